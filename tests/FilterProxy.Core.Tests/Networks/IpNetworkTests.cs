using System.Net;
using FilterProxy.Core.Networks;

namespace FilterProxy.Core.Tests.Networks;

public sealed class IpNetworkTests
{
    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("192.168.1.20", true)]       // a single host
    [InlineData("::1", true)]
    [InlineData("fd00::/8", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("10.0.0.1/8", false)]        // host bits
    [InlineData("10.0.0.0/-1", false)]
    [InlineData("fd00::/129", false)]
    [InlineData("ten.zero", false)]
    [InlineData("", false)]
    public void TryParse(string text, bool valid)
    {
        Assert.Equal(valid, IpNetwork.TryParse(text, out _, out string? error));
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void RangeMap_LongestPrefixAndGaps()
    {
        IpNetwork N(string s) => IpNetwork.TryParse(s, out IpNetwork? n, out _) ? n.Value : throw new ArgumentException(s);
        var map = new IpRangeMap<string>([(N("10.0.0.0/8"), "a"), (N("10.1.0.0/16"), "b"), (N("10.1.1.0/24"), "c"), (N("0.0.0.0/0"), "any")]);

        Assert.Equal("c", map.Find(IPAddress.Parse("10.1.1.255")));
        Assert.Equal("b", map.Find(IPAddress.Parse("10.1.2.0")));
        Assert.Equal("b", map.Find(IPAddress.Parse("10.1.0.0")));
        Assert.Equal("a", map.Find(IPAddress.Parse("10.255.255.255")));
        Assert.Equal("any", map.Find(IPAddress.Parse("11.0.0.0")));
        Assert.Equal("any", map.Find(IPAddress.Parse("0.0.0.0")));
        Assert.Null(map.Find(IPAddress.Parse("2001:db8::1")));            // IPv4 /0 does not cover IPv6
        Assert.Equal("c", map.Find(IPAddress.Parse("::ffff:10.1.1.1")));
    }
}
