using System.Net;
using FilterProxy.Core.Events;
using FilterProxy.Events.Pipeline;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// One gateway (in-process, real Kestrel sockets on loopback, free ports) in front of one <see cref="TestOrigin"/>.
/// Test host names resolve to loopback through dns.localNames, which the proxy honours like the DNS server does.
/// 127.0.0.1 is an unknown client (nursery-ks1, here allowed any CONNECT port so loopback origins work); 127.0.0.2
/// is in the "juniors" group (ks2, CONNECT to 443 only); 127.0.0.3 is outside the allowed client networks.
/// </summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TestCertificates _originCa = new();
    private readonly TestCertificates _strangerCa = new("Nobody Trusts This CA");
    private TestOrigin _origin = null!;
    private GatewayApp _app = null!;

    internal TestOrigin Origin => _origin;
    internal GatewayApp App => _app;
    public IPEndPoint Proxy => _app.ProxyEndPoint;
    public string ProxyUrl => $"http://{Proxy}";
    public string OriginCaFile { get; private set; } = null!;
    public string SchoolCaFile { get; private set; } = null!;
    public string Directory => _dir.Path;

    public static readonly string[] Hosts = ["plain.test", "secure.test", "spliced.test", "www.google.com", "www.youtube.com", "bet.example", "untrusted.test", "pinned.test", "www.samaritans.org", "api.openai.com", "neo.character.ai"];

    public async Task InitializeAsync()
    {
        _origin = await TestOrigin.StartAsync(_originCa.Server(Hosts), _strangerCa.Server("untrusted.test"));
        OriginCaFile = _dir.File("origin-ca.pem", _originCa.AuthorityPem);
        _dir.File("gambling.txt", "bet.example\nwww.samaritans.org\n"); // a help service mislisted: it must still open
        string localNames = string.Join(", ", Hosts.Select(static h => $"\"{h}\": [\"127.0.0.1\"]"));
        string config = _dir.File("filterproxy.json", $$"""
            { "dataDirectory": "data",
              "allowedClients": [ "127.0.0.1/32", "127.0.0.2/32", "127.0.0.4/32", "::1/128" ],
              "lists": [ { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" } ],
              "groups": { "juniors": { "profile": "ks2", "networks": [ "127.0.0.2/32" ] }, "seniors": { "profile": "secondary", "networks": [ "127.0.0.4/32" ] } },
              "profiles": { "nursery-ks1": { "connectPorts": [ "*" ], "deny": [ "denied.test" ] }, "secondary": { "connectPorts": [ "*" ] } },
              "dns": { "localNames": { {{localNames}} } },
              "http": { "neverIntercept": [ "spliced.test" ], "trustedUpstreamCaFiles": [ "origin-ca.pem" ] } }
            """);
        IReadOnlyDictionary<string, string> env = GatewayTestEnvironment.Loopback;
        _app = await GatewayApp.StartAsync(config, env, TextWriter.Null, CancellationToken.None);
        SchoolCaFile = Path.Combine(_dir.Path, "data", "ca", "school-ca.crt");
    }

    /// <summary>Runs curl through the proxy: <c>-sS</c>, status line and headers included (<c>-i</c>), 30 s cap.</summary>
    public Task<string> Curl(params string[] args) =>
        ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "30", "-x", ProxyUrl, .. args]);

    /// <summary>Waits (up to 5 s: the pipeline drains within 200 ms) for an event the test caused.</summary>
    public Task<FilterEvent> EventAsync(Func<FilterEvent, bool> match) => RecentEvents.WaitAsync(_app.Services, match);

    /// <summary>Waits (up to 5 s) until at least <paramref name="count"/> events match; returns them, oldest first.</summary>
    public async Task<List<FilterEvent>> EventsAsync(Func<FilterEvent, bool> match, int count)
    {
        EventPipeline pipeline = _app.Services.GetRequiredService<EventPipeline>();
        for (int i = 0; i < 100; i++)
        {
            List<FilterEvent> found = [.. pipeline.Recent().Where(match)];
            if (found.Count >= count)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"fewer than {count} matching events; recent: " + string.Join("\n", pipeline.Recent().TakeLast(10)));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _origin.DisposeAsync();
        _originCa.Dispose();
        _strangerCa.Dispose();
        _dir.Dispose();
    }
}
