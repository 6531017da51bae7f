using FilterProxy.Core.Domains;

namespace FilterProxy.Core.Tests.Domains;

public sealed class DomainSetTests
{
    [Fact]
    public void Builder_GrowsAndFindsEveryEntry_AndNoOthers()
    {
        var builder = new DomainSetBuilder();
        for (int i = 0; i < 50_000; i++)
        {
            Assert.True(builder.TryAdd($"host{i}.example{i % 7}.org", i, out _));
        }

        DomainSet set = builder.Build();
        Assert.Equal(50_000, set.Count);
        for (int i = 0; i < 50_000; i += 7)
        {
            var m = default(DomainMatches);
            set.Match($"www.HOST{i}.example{i % 7}.org", suffixes: true, ref m);
            Assert.Equal(1, m.Count);
            Assert.Equal(i, set.ValueAt(m.MostSpecific));
            Assert.Equal($"host{i}.example{i % 7}.org", set.NameAt(m.MostSpecific));
        }

        Assert.False(set.ContainsSuffixOf("host1.example2.org"));
        Assert.False(set.ContainsSuffixOf("ost1.example1.org"));
    }

    [Fact]
    public void Builder_Duplicates_AreMerged()
    {
        var builder = new DomainSetBuilder(static (a, b) => a | b);
        builder.TryAdd("a.example", 1, out _);
        builder.TryAdd("A.EXAMPLE.", 2, out _);

        DomainSet set = builder.Build();
        var m = default(DomainMatches);
        set.Match("a.example", true, ref m);
        Assert.Equal(1, set.Count);
        Assert.Equal(3, set.ValueAt(m.MostSpecific));
    }

    [Fact]
    public void Match_ReturnsEverySuffixShortestFirst()
    {
        var builder = new DomainSetBuilder();
        builder.TryAdd("example.org", 1, out _);
        builder.TryAdd("b.example.org", 2, out _);
        builder.TryAdd("a.b.example.org", 3, out _);
        DomainSet set = builder.Build();

        var m = default(DomainMatches);
        set.Match("x.a.b.example.org", true, ref m);
        Assert.Equal([1, 2, 3], Enumerable.Range(0, m.Count).Select(i => set.ValueAt(m[i])));
    }

    [Theory]
    [InlineData("Example.COM", "example.com")]
    [InlineData("*.example.com", "example.com")]
    [InlineData(".example.com", "example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("münchen.de", "xn--mnchen-3ya.de")]
    [InlineData("_dmarc.example.com", "_dmarc.example.com")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("2001:DB8:0::1", "2001:db8::1")]
    [InlineData("exa mple.com", null)]
    [InlineData("a..b", null)]
    [InlineData("", null)]
    [InlineData("999.1.1.1", null)]
    public void NormalizeEntry(string raw, string? expected)
    {
        Assert.Equal(expected, HostName.NormalizeEntry(raw, out _));
    }

    [Fact]
    public void NormalizeEntry_RejectsLongLabel()
    {
        Assert.Null(HostName.NormalizeEntry(new string('a', 64) + ".example", out string? error));
        Assert.Contains("63", error, StringComparison.Ordinal);
    }
}
