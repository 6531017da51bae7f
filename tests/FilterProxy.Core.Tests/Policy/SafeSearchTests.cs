using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Policy;

public sealed class SafeSearchTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PolicySnapshot _snapshot;

    public SafeSearchTests()
    {
        _snapshot = PolicyFixture.Load(_dir, """{ "profiles": { "staff": { "safeSearch": "off", "youTube": "off" } } }""");
    }

    [Theory]
    [InlineData("www.google.com", "ks2", "forcesafesearch.google.com")]
    [InlineData("www.google.co.uk", "ks2", "forcesafesearch.google.com")]
    [InlineData("google.de", "ks2", "forcesafesearch.google.com")]
    [InlineData("www.youtube.com", "ks2", "restrict.youtube.com")]
    [InlineData("m.youtube.com", "secondary", "restrictmoderate.youtube.com")]
    [InlineData("youtubei.googleapis.com", "ks2", "restrict.youtube.com")]
    [InlineData("www.youtube-nocookie.com", "ks2", "restrict.youtube.com")]
    [InlineData("www.bing.com", "secondary", "strict.bing.com")]
    [InlineData("duckduckgo.com", "ks2", "safe.duckduckgo.com")]
    [InlineData("www.google.com", "staff", null)]               // staff configured off
    [InlineData("www.google.com.evil.example", "ks2", null)]   // not Google
    [InlineData("mail.google.com", "ks2", null)]
    public void Evaluate_SafeSearchTargets(string host, string profile, string? cname)
    {
        Decision d = _snapshot.Check("https://" + host + "/search?q=x", profile);

        Assert.Equal(cname, d.SafeSearchCname);
        Assert.Equal(cname is null ? Verdict.Allow : Verdict.AllowWithSafeSearch, d.Verdict);
    }

    public void Dispose() => _dir.Dispose();
}
