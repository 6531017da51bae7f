using FilterProxy.Core.Categories;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Lists;

/// <summary>The offline starter set: a configuration with no lists, no network, already blocks the best-known names.</summary>
public sealed class StarterListsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("pornhub.com", Category.Pornography)]
    [InlineData("www.xvideos.com", Category.Pornography)]
    [InlineData("bet365.com", Category.Gambling)]
    [InlineData("thepiratebay.org", Category.Piracy)]
    public void NoListsConfigured_BestKnownNames_BlockedForKs2_ByTheStarterSet(string host, Category category)
    {
        PolicySnapshot s = PolicyFixture.Load(_dir, "{}");

        Decision d = s.Check(host, "ks2");
        Assert.True(d.IsBlocked, $"{host}: {d.Verdict} {d.Reason}");
        Assert.Equal(category, d.Category);
        Assert.Equal(StarterLists.Name, d.List!.ListName);
    }

    [Theory]
    [InlineData("www.bbc.co.uk")]
    [InlineData("en.wikipedia.org")]
    [InlineData("www.childline.org.uk")]
    [InlineData("www.paypal.com")]
    [InlineData("www.google.com")]
    public void WellKnownSafeNames_AreNotInIt(string host) =>
        Assert.False(PolicyFixture.Load(_dir, "{}").Check(host, "ks2").IsBlocked);

    [Fact]
    public void Report_SaysWhatItHolds_AndStaysFresh()
    {
        ListReport report = PolicyFixture.Load(_dir, "{}").Report(StarterLists.Name);

        Assert.InRange(report.Domains, 10_000, 20_000);
        Assert.Equal(0, report.Rejected);
        Assert.False(report.Stale);
    }

    [Fact]
    public void StarterListsFalse_LeavesItOut()
    {
        PolicySnapshot s = PolicyFixture.Load(_dir, """{ "starterLists": false }""");

        Assert.False(s.Check("pornhub.com", "ks2").IsBlocked);
        Assert.DoesNotContain(s.Lists.Reports, static r => r.Name == StarterLists.Name);
    }

    [Fact]
    public void AListNamedStarter_IsRefused()
    {
        _dir.File("mine.txt", "a.example\n");
        Assert.Contains(PolicyFixture.Errors("""{ "lists": [ { "name": "starter", "format": "domains", "category": "gambling", "source": "mine.txt" } ] }"""),
            static e => e.Path.StartsWith("lists[0]", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();
}
