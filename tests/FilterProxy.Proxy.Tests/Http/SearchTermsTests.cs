using FilterProxy.Http.Search;

namespace FilterProxy.Proxy.Tests.Http;

public sealed class SearchTermsTests
{
    [Theory]
    [InlineData("www.google.co.uk", "/search?q=How+To+Tie+A+Tie&hl=en", "how to tie a tie")]
    [InlineData("www.bing.com", "/search?form=QBLH&q=cats%20%26%20dogs", "cats & dogs")]
    [InlineData("duckduckgo.com", "/?q=weather&ia=web", "weather")]
    [InlineData("html.duckduckgo.com", "/html/?q=weather", "weather")]
    [InlineData("www.youtube.com", "/results?search_query=minecraft+lets+play", "minecraft lets play")]
    [InlineData("uk.search.yahoo.com", "/search?p=news", "news")]
    [InlineData("www.ecosia.org", "/search?q=trees", "trees")]
    [InlineData("en.wikipedia.org", "/w/index.php?search=Volcano&title=Special:Search", "volcano")]
    [InlineData("www.google.com", "/search?q=%20%20spaced%0Aout%20%20", "spaced out")]
    [InlineData("www.google.com", "/search?q=caf%C3%A9", "café")]
    public void Extract_FindsAndNormalisesTheTerm(string host, string path, string expected)
    {
        Assert.Equal(expected, SearchTerms.Extract(host, path));
    }

    [Theory]
    [InlineData("www.google.com", "/maps?q=london")]       // not a search page
    [InlineData("www.google.com", "/search?hl=en")]        // no term
    [InlineData("www.example.com", "/search?q=anything")]   // not a search engine
    [InlineData("www.youtube.com", "/watch?v=abc")]
    [InlineData("www.google.evil.com", "/search?q=x")]
    public void Extract_IgnoresOtherUrls(string host, string path)
    {
        Assert.Null(SearchTerms.Extract(host, path));
    }

    [Fact]
    public void Extract_BoundsTheLength()
    {
        string term = SearchTerms.Extract("www.bing.com", "/search?q=" + new string('a', 5000))!;

        Assert.Equal(SearchTerms.MaxLength, term.Length);
    }

    [Theory]
    [InlineData("/search?q=x&safe=off", "safe", "active", "/search?q=x&safe=active")]
    [InlineData("/search?q=x&SAFE=images", "safe", "active", "/search?q=x&safe=active")]
    [InlineData("/search", "adlt", "strict", "/search?adlt=strict")]
    [InlineData("/?q=x&kp=-2", "kp", "1", "/?q=x&kp=1")]
    public void SafeSearchRewrite_ForcesTheParameter(string path, string name, string value, string expected)
    {
        Assert.Equal(expected, SafeSearchRewrite.Force(path, name, value));
    }
}
