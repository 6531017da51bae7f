using System.Net;
using FilterProxy.Dns;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Proxy.Tests.Dns;

public sealed class DnsResolverTests
{
    [Fact]
    public async Task Allowed_IsForwarded_ThenServedFromCache_WithTtlCountingDown()
    {
        using var f = new ResolverFixture();
        (byte[] first, DnsResult r1) = await f.AskAsync(DnsPackets.Query("allowed.test", id: 1));
        Assert.Equal(DnsSource.Upstream, r1.Source);
        Assert.Equal(0, DnsPackets.Rcode(first));
        Assert.Equal(1, DnsPackets.AnswerCount(first));
        Assert.Equal(1, DnsPackets.Id(first));

        f.Time.Advance(TimeSpan.FromSeconds(100));
        (byte[] second, DnsResult r2) = await f.AskAsync(DnsPackets.Query("ALLOWED.test", id: 2));
        Assert.Equal(DnsSource.Cache, r2.Source);
        Assert.Equal(2, DnsPackets.Id(second));
        Assert.Equal(1, f.Upstream.Queries);
        Assert.Equal(200u, Ttl(second));                   // 300 − 100 s

        f.Time.Advance(TimeSpan.FromSeconds(201));         // past the TTL: expired, asked again
        (_, DnsResult r3) = await f.AskAsync(DnsPackets.Query("allowed.test", id: 3));
        Assert.Equal(DnsSource.Upstream, r3.Source);
        Assert.Equal(2, f.Upstream.Queries);
    }

    [Fact]
    public async Task NxDomain_IsCachedNegatively_ForAtMostNegativeTtl()
    {
        using var f = new ResolverFixture("""{ "negativeTtl": 30 }""");
        await f.AskAsync(DnsPackets.Query("missing.test"));
        f.Time.Advance(TimeSpan.FromSeconds(29));
        (byte[] cached, DnsResult r) = await f.AskAsync(DnsPackets.Query("missing.test"));
        Assert.Equal(DnsSource.Cache, r.Source);
        Assert.Equal(DnsRcode.NxDomain, DnsPackets.Rcode(cached));
        f.Time.Advance(TimeSpan.FromSeconds(2));
        (_, r) = await f.AskAsync(DnsPackets.Query("missing.test"));
        Assert.Equal(DnsSource.Upstream, r.Source);
    }

    [Theory]
    [InlineData("bad.example", 1)]
    [InlineData("www.bad.example", 28)]
    [InlineData("bad.example", 65)] // HTTPS records: never forwarded for a blocked name
    [InlineData("BET.example.", 16)]
    public async Task Blocked_IsNxDomain_ForEveryType_AndNeverAsksUpstream(string name, ushort type)
    {
        using var f = new ResolverFixture();
        (byte[] response, DnsResult r) = await f.AskAsync(DnsPackets.Query(name, type));

        Assert.Equal(DnsSource.Blocked, r.Source);
        Assert.Equal(DnsRcode.NxDomain, DnsPackets.Rcode(response));
        Assert.Equal(0, f.Upstream.Queries);
        Assert.Equal("nursery-ks1/category/gambling", r.Decision.Rule.Id);
    }

    [Fact]
    public async Task BlockResponse_Null_AndBlockPage()
    {
        using var nulls = new ResolverFixture("""{ "blockResponse": "null" }""");
        (byte[] a, _) = await nulls.AskAsync(DnsPackets.Query("bad.example", 1));
        (byte[] aaaa, _) = await nulls.AskAsync(DnsPackets.Query("bad.example", 28));
        (byte[] https, _) = await nulls.AskAsync(DnsPackets.Query("bad.example", 65));
        Assert.Equal([0, 0, 0, 0], a[^4..]);
        Assert.Equal(new byte[16], aaaa[^16..]);
        Assert.Equal((0, 0), (DnsPackets.Rcode(https), DnsPackets.AnswerCount(https))); // NODATA

        using var page = new ResolverFixture("""{ "blockResponse": "blockpage", "blockPageAddress": "10.0.0.80" }""");
        (byte[] p, _) = await page.AskAsync(DnsPackets.Query("bad.example", 1));
        Assert.Equal([10, 0, 0, 80], p[^4..]);
        (byte[] p6, _) = await page.AskAsync(DnsPackets.Query("bad.example", 28));
        Assert.Equal(0, DnsPackets.AnswerCount(p6)); // no IPv6 block page configured: NODATA
    }

    [Fact]
    public async Task SafeSearch_IsCnameToVendor_WithItsAddresses_AndNoHttpsRecords()
    {
        using var f = new ResolverFixture();
        (byte[] response, DnsResult r) = await f.AskAsync(DnsPackets.Query("www.google.co.uk", 1));
        Assert.Equal(DnsSource.SafeSearch, r.Source);
        Assert.Equal(2, DnsPackets.AnswerCount(response));              // CNAME + A
        Assert.Equal([216, 239, 38, 120], response[^4..]);
        Assert.Contains("forcesafesearch.google.com/1", f.Upstream.Asked);
        Assert.DoesNotContain(f.Upstream.Asked, q => q.StartsWith("www.google.co.uk", StringComparison.Ordinal));

        (_, DnsResult again) = await f.AskAsync(DnsPackets.Query("www.google.co.uk", 1));
        Assert.Equal(DnsSource.SafeSearch, again.Source);
        Assert.Equal(1, f.Upstream.Queries);                              // composed answer cached

        (byte[] https, DnsResult h) = await f.AskAsync(DnsPackets.Query("www.google.co.uk", 65));
        Assert.Equal((0, 0), (DnsPackets.Rcode(https), DnsPackets.AnswerCount(https)));
        Assert.Equal(DnsSource.SafeSearch, h.Source);
    }

    [Fact]
    public async Task Canary_IsNxDomain_LocalNamesAnswerLocally()
    {
        using var f = new ResolverFixture("""{ "localNames": { "filter.school.internal": ["10.0.0.1", "fd00::1"] } }""");
        (byte[] canary, DnsResult c) = await f.AskAsync(DnsPackets.Query("use-application-dns.net"));
        Assert.Equal((DnsSource.Canary, DnsRcode.NxDomain), (c.Source, DnsPackets.Rcode(canary)));

        (byte[] local, DnsResult l) = await f.AskAsync(DnsPackets.Query("Filter.School.Internal", 28));
        Assert.Equal(DnsSource.Local, l.Source);
        Assert.Equal(IPAddress.Parse("fd00::1").GetAddressBytes(), local[^16..]);
        Assert.Equal(0, f.Upstream.Queries);
    }

    [Fact]
    public async Task CnameToBlockedName_IsBlocked_EvenFromCache()
    {
        using var f = new ResolverFixture();
        (byte[] response, DnsResult r) = await f.AskAsync(DnsPackets.Query("cloaked.test"));
        Assert.Equal(DnsSource.BlockedAlias, r.Source);
        Assert.Equal("tracker.bad.example", r.BlockedAlias);
        Assert.Equal(DnsRcode.NxDomain, DnsPackets.Rcode(response));

        (_, DnsResult again) = await f.AskAsync(DnsPackets.Query("cloaked.test"));
        Assert.Equal(DnsSource.BlockedAlias, again.Source);
    }

    [Fact]
    public async Task ClientsOutsideAllowedNetworks_AreRefused_AndRateLimitApplies()
    {
        using var f = new ResolverFixture("""{ "rateLimitPerSecond": 5 }""");
        (byte[] outside, DnsResult o) = await f.AskAsync(DnsPackets.Query("allowed.test"), client: IPAddress.Parse("8.8.8.8"));
        Assert.Equal((DnsSource.Refused, DnsRcode.Refused), (o.Source, DnsPackets.Rcode(outside)));

        var sources = new List<DnsSource>();
        for (int i = 0; i < 15; i++)
        {
            sources.Add((await f.AskAsync(DnsPackets.Query("bad.example"))).Result.Source);
        }

        Assert.Equal(10, sources.Count(s => s == DnsSource.Blocked));      // burst of 2 × rate
        Assert.Equal(5, sources.Count(s => s == DnsSource.RateLimited));
        f.Time.Advance(TimeSpan.FromSeconds(1));                            // five more tokens
        Assert.Equal(DnsSource.Blocked, (await f.AskAsync(DnsPackets.Query("bad.example"))).Result.Source);
    }

    [Fact]
    public async Task IdenticalQueriesInFlight_ShareOneUpstreamQuery()
    {
        using var f = new ResolverFixture();
        f.Upstream.Delay = TimeSpan.FromMilliseconds(300);
        var asks = Enumerable.Range(0, 20).Select(i => f.AskAsync(DnsPackets.Query("allowed.test", id: (ushort)i))).ToArray();
        var answers = await Task.WhenAll(asks);

        Assert.Equal(1, f.Upstream.Queries);
        Assert.All(answers, a => Assert.Equal(1, DnsPackets.AnswerCount(a.Response)));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (ushort)i), answers.Select(a => DnsPackets.Id(a.Response)));
    }

    [Fact]
    public async Task LargeAnswer_UpstreamTruncation_RetriedOverTcp_ClientTruncationBySize()
    {
        using var f = new ResolverFixture();
        f.Upstream.Texts["big.test"] = new string('x', 900);   // > 512: the fake upstream truncates it over UDP
        (byte[] withEdns, _) = await f.AskAsync(DnsPackets.Query("big.test", 16, edns: true));
        Assert.False(DnsPackets.Truncated(withEdns));           // fits the client's 1232
        Assert.Equal(1, DnsPackets.AnswerCount(withEdns));

        (byte[] classic, _) = await f.AskAsync(DnsPackets.Query("big.test", 16));
        Assert.True(DnsPackets.Truncated(classic));             // no EDNS: 512 bytes at most over UDP
        Assert.True(classic.Length <= 512);
        (byte[] overTcp, _) = await f.AskAsync(DnsPackets.Query("big.test", 16), udp: false);
        Assert.False(DnsPackets.Truncated(overTcp));
    }

    [Fact]
    public async Task UpstreamDown_FailsOverToTheNext_AndAllDownIsServFail()
    {
        using var f = new ResolverFixture();
        int closedPort;
        using (var probe = new System.Net.Sockets.UdpClient(0))
        {
            closedPort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        }

        using var dir = new FilterProxy.Tests.Common.TempDirectory();
        var snapshot = FilterProxy.Tests.Common.PolicyFixture.Load(dir, $$"""
            { "dataDirectory": "data", "dns": { "upstreams": [ "127.0.0.1:{{closedPort}}", "{{f.Upstream.Address}}" ], "upstreamTimeoutMs": 1000 } }
            """);
        f.Holder.Swap(snapshot);
        (byte[] ok, DnsResult r) = await f.AskAsync(DnsPackets.Query("allowed.test"));
        Assert.Equal(0, DnsPackets.Rcode(ok));
        Assert.Equal(f.Upstream.Address, r.Upstream);
        Assert.False(f.Upstreams.Pool!.Health[0].Up);

        f.Upstream.Dispose();
        (byte[] fail, DnsResult down) = await f.AskAsync(DnsPackets.Query("other.test"));
        Assert.Equal((DnsSource.UpstreamFailed, DnsRcode.ServFail), (down.Source, DnsPackets.Rcode(fail)));
    }

    [Fact]
    public void BlockedQuery_FastPath_AllocatesNothing()
    {
        using var f = new ResolverFixture();
        byte[] query = DnsPackets.Query("www.bad.example", 1, edns: true);
        byte[] response = new byte[4096];
        char[] name = new char[256];
        for (int i = 0; i < 100; i++)
        {
            f.Time.Advance(TimeSpan.FromSeconds(1)); // keep the rate limiter filled
            f.Resolver.Answer(query, ResolverFixture.Client, true, name, response);
        }

        f.Time.Advance(TimeSpan.FromSeconds(10));
        long before = GC.GetAllocatedBytesForCurrentThread();
        DnsResult r = f.Resolver.Answer(query, ResolverFixture.Client, true, name, response);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(DnsSource.Blocked, r.Source);
        Assert.Equal(0, allocated);
    }

    private static uint Ttl(byte[] response)
    {
        // The single A record is last: its TTL sits 10 bytes before the 4-byte address.
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(response.Length - 10));
    }
}
