using System.Net;
using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using FilterProxy.Identity;

namespace FilterProxy.Benchmarks.Dns;

/// <summary>
/// What identity adds to every request and query: who is behind the address (session, lease → device → owner → profile),
/// against the school-sized <see cref="IdentityWorkload"/>, and the same lookup when nothing is configured.
/// </summary>
[MemoryDiagnoser]
public class IdentityLookupBenchmarks
{
    private readonly IPAddress _leased = IPAddress.Parse("10.2.7.9");
    private readonly IPAddress _session = IPAddress.Parse("10.3.0.9");
    private readonly IPAddress _unknown = IPAddress.Parse("10.9.9.9");
    private RequestIdentifier _configured = null!;
    private RequestIdentifier _empty = null!;
    private PolicySnapshot _snapshot = null!;
    private RequestIdentifier _withSignIn = null!;
    private readonly string _basic = "Basic " + Convert.ToBase64String("pupil-7:pass-7"u8);

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = new PolicyLoader(null, TimeProvider.System).LoadAsync(null, new Dictionary<string, string>()).GetAwaiter().GetResult();
        var holder = new PolicySnapshotHolder(_snapshot);
        _configured = IdentityWorkload.Identifier(holder, _leased);
        _empty = RequestIdentifier.InMemory(holder, TimeProvider.System);
        string dir = Directory.CreateTempSubdirectory("fp-identity-bench").FullName;
        string config = Path.Combine(dir, "filterproxy.json");
        File.WriteAllText(config, $$"""
            { "dataDirectory": "data",
              "identity": { "accounts": [ { "user": "pupil-7", "passwordHash": "{{FilterProxy.Identity.Accounts.PasswordHasher.Hash("pass-7")}}" } ],
                            "signIn": [ { "networks": [ "10.2.0.0/16" ], "proxyAuth": "local", "required": true } ] } }
            """);
        PolicySnapshot withSignIn = new PolicyLoader(null, TimeProvider.System).LoadAsync(config, new Dictionary<string, string>()).GetAwaiter().GetResult();
        _withSignIn = IdentityWorkload.Identifier(new PolicySnapshotHolder(withSignIn), _leased);
        if (ProxyAuth().GetAwaiter().GetResult() != "pupil-7"
            || _configured.ForQuery(_leased, _snapshot).User is null || _configured.ForQuery(_session, _snapshot).User is null)
        {
            throw new InvalidOperationException("The identity workload does not identify its clients.");
        }
    }

    [Benchmark(Baseline = true, Description = "nothing configured")]
    public object? Empty() => _empty.ForQuery(_leased, _snapshot).Profile;

    [Benchmark(Description = "leased device → owner → profile (cached)")]
    public object? Leased() => _configured.ForQuery(_leased, _snapshot).Profile;

    [Benchmark(Description = "portal session (cached)")]
    public object? Session() => _configured.ForQuery(_session, _snapshot).Profile;

    /// <summary>Every request of a proxy-authenticated browser after the first: the same Proxy-Authorization header again.</summary>
    [Benchmark(Description = "proxy-auth: the header seen before")]
    public async Task<string?> ProxyAuth() => (await _withSignIn.IdentifyConnectAsync(_leased, _basic)).Identity.User;

    [Benchmark(Description = "unknown address")]
    public object? Unknown() => _configured.ForQuery(_unknown, _snapshot).Profile;
}
