using FilterProxy.Dns.Upstream;

namespace FilterProxy.Proxy.Tests.Dns;

public sealed class QueryIdsTests
{
    [Fact]
    public void Ids_AreSpreadOverAllSixteenBits_AcrossManyRefills()
    {
        // 10,000 uniform 16-bit values hold about 9,280 distinct ones; a buffer reused without a refill would repeat
        // every 256, and a stuck generator would give one.
        ushort[] ids = [.. Enumerable.Range(0, 10_000).Select(_ => QueryIds.Next())];
        Assert.InRange(ids.Distinct().Count(), 9_000, 10_000);
        Assert.InRange(ids.Count(static id => id >= 0x8000), 4_500, 5_500);      // the high bit is set half the time
        Assert.InRange(ids.Count(static id => (id & 1) == 1), 4_500, 5_500);     // and the low one
    }
}
