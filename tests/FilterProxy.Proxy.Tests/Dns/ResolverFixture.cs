using System.Net;
using FilterProxy.Core.Policy;
using FilterProxy.Dns;
using FilterProxy.Dns.Cache;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>A resolver over a real policy snapshot, a fake clock and a fake upstream on loopback.</summary>
internal sealed class ResolverFixture : IDisposable
{
    public static readonly IPAddress Client = IPAddress.Loopback;

    private readonly TempDirectory _dir = new();

    public ResolverFixture(string dnsJson = "{}", string extra = "")
    {
        Upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10")];
        Upstream.Records["forcesafesearch.google.com"] = [IPAddress.Parse("216.239.38.120")];
        Upstream.Records["tracker.bad.example"] = [IPAddress.Parse("192.0.2.66")];
        Upstream.Cnames["cloaked.test"] = "tracker.bad.example";
        string dns = dnsJson.TrimEnd().TrimEnd('}').Trim();
        string upstreams = $"\"upstreams\": [\"{Upstream.Address}\"]";
        dns = dns == "{" ? "{ " + upstreams + " }" : dns + ", " + upstreams + " }";
        Snapshot = PolicyFixture.Load(_dir, $$"""
            { "dataDirectory": "data",
              "lists": [ { "name": "bad", "format": "domains", "category": "gambling", "source": "bad.txt" } ],
              "dns": {{dns}} {{extra}} }
            """, null, ("bad.txt", "bad.example\nbet.example\n"));
        Holder = new PolicySnapshotHolder(Snapshot);
        Cache = new DnsCache(Time);
        Limiter = new DnsRateLimiter(Time);
        Upstreams = new DnsUpstreams(TimeProvider.System);
        Resolver = new DnsResolver(Holder, Cache, Limiter, Upstreams, FilterProxy.Identity.RequestIdentifier.InMemory(Holder, Time), Time);
    }

    public FakeTimeProvider Time { get; } = new();
    public FakeDnsUpstream Upstream { get; } = new();
    public PolicySnapshot Snapshot { get; }
    public PolicySnapshotHolder Holder { get; }
    public DnsCache Cache { get; }
    public DnsRateLimiter Limiter { get; }
    public DnsUpstreams Upstreams { get; }
    public DnsResolver Resolver { get; }

    /// <summary>Fast path then, if needed, the forwarding path: the full answer a client would get.</summary>
    public async Task<(byte[] Response, DnsResult Result)> AskAsync(byte[] query, bool udp = true, IPAddress? client = null)
    {
        byte[] response = new byte[65535];
        char[] name = new char[256];
        DnsResult result = Resolver.Answer(query, client ?? Client, udp, name, response);
        return result.Outcome switch
        {
            DnsOutcome.Answered => (response[..result.Length], result),
            DnsOutcome.Forward => await Resolver.ForwardAsync(query, new string(name, 0, result.Query.NameLength), client ?? Client, udp, result, CancellationToken.None),
            _ => ([], result),
        };
    }

    public void Dispose()
    {
        Upstream.Dispose();
        _dir.Dispose();
    }
}
