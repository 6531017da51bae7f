using System.Net;
using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Policy;
using FilterProxy.Dns;
using FilterProxy.Dns.Cache;

namespace FilterProxy.Benchmarks.Dns;

/// <summary>
/// The DNS fast path in memory, no sockets: parse + allowed-client check + rate limit + policy (2M listed
/// domains, five profiles) + compose the answer. A cache hit includes copying the cached message and
/// rewriting its TTLs.
/// </summary>
[MemoryDiagnoser]
public class DnsAnswerBenchmarks
{
    private DnsResolver _resolver = null!;
    private readonly IPAddress _client = IPAddress.Parse("10.2.7.9");
    private readonly byte[] _response = new byte[4096];
    private readonly char[] _name = new char[256];
    private byte[] _blocked = null!;
    private byte[] _blockedSub = null!;
    private byte[] _cached = null!;
    private byte[] _canary = null!;

    /// <summary>With identity: 2,000 registered devices, 2,000 DHCP leases, 2,000 people and 500 portal sessions; the client is a leased device.</summary>
    [Params(false, true)]
    public bool Identity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var env = new Dictionary<string, string> { ["FILTERPROXY__dns__rateLimitPerSecond"] = "0", ["FILTERPROXY__dns__upstreams__0"] = "127.0.0.1:9" };
        PolicySnapshot snapshot = Policy.SyntheticLists.Load2M(env);
        var cache = new DnsCache(TimeProvider.System);
        var holder = new PolicySnapshotHolder(snapshot);
        FilterProxy.Identity.RequestIdentifier identifier = Identity
            ? IdentityWorkload.Identifier(holder, _client)
            : FilterProxy.Identity.RequestIdentifier.InMemory(holder, TimeProvider.System);
        _resolver = new DnsResolver(holder, cache, new DnsRateLimiter(TimeProvider.System), new DnsUpstreams(TimeProvider.System), identifier, TimeProvider.System);

        string gambling = Policy.SyntheticLists.NameAt(5 * (Policy.SyntheticLists.TotalDomains / Policy.SyntheticLists.ListCount));
        _blocked = Query(gambling, 1, edns: true);
        _blockedSub = Query("www." + gambling, 28, edns: true);
        _canary = Query("use-application-dns.net", 1, edns: true);
        _cached = Query("www.school-site.example", 1, edns: true);

        // Seed the cache with an upstream-style answer for the cached name.
        byte[] answer = [.. _cached[..^11], 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 192, 0, 2, 1];
        answer[2] = 0x81; answer[3] = 0x80; answer[7] = 1; answer[11] = 0;
        var message = FilterProxy.Dns.Wire.DnsMessage.TryParse(answer)!;
        Span<char> key = stackalloc char[DnsCache.MaxKeyLength];
        int n = DnsCache.Key("www.school-site.example", 1, 1, false, default, key);
        byte[] stored = message.WithoutOpt(answer, out int[] ttlOffsets);
        cache.Store(new string(key[..n]), message, stored, ttlOffsets, snapshot.Settings.Dns);

        if (Run(_blocked).Source != DnsSource.Blocked || Run(_blockedSub).Source != DnsSource.Blocked
            || Run(_cached).Source != DnsSource.Cache || Run(_canary).Source != DnsSource.Canary
            || (Identity && Run(_blocked).Identity?.User is null))
        {
            throw new InvalidOperationException("The DNS benchmark does not answer as expected.");
        }
    }

    private DnsResult Run(byte[] query) => _resolver.Answer(query, _client, udp: true, _name, _response);

    /// <summary>A query for <paramref name="name"/> (ID 0x1234, RD), with an OPT record when <paramref name="edns"/>.</summary>
    internal static byte[] Query(string name, ushort type, bool edns)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, (byte)(edns ? 1 : 0) };
        foreach (string label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        if (edns)
        {
            bytes.AddRange([0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0]);
        }

        return [.. bytes];
    }

    [Benchmark(Description = "blocked A (listed domain): parse + policy + NXDOMAIN")]
    public int Blocked() => Run(_blocked).Length;

    [Benchmark(Description = "blocked AAAA (subdomain of listed)")]
    public int BlockedSubdomain() => Run(_blockedSub).Length;

    [Benchmark(Description = "allowed A, cache hit: parse + policy + cached answer")]
    public int CacheHit() => Run(_cached).Length;

    /// <summary>A blocked query's event (made after the answer is sent): what the writer and the alert engine receive.</summary>
    [Benchmark(Description = "blocked A + its event")]
    public object BlockedWithEvent()
    {
        DnsResult r = Run(_blocked);
        return FilterProxy.Dns.Server.DnsEvents.Create(r, _name.AsSpan(0, r.Query.NameLength), _client, "udp", DateTimeOffset.UnixEpoch, 0.1, "10.2.7.9");
    }

    [Benchmark(Description = "DoH canary")]
    public int Canary() => Run(_canary).Length;
}
