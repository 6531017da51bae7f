namespace FilterProxy.Core.Policy;

public enum SearchEngine : byte
{
    None,
    Google,
    YouTube,
    Bing,
    DuckDuckGo,
}

/// <summary>
/// Recognises the search engines whose safe mode FilterProxy enforces, and names the vendors' safe
/// endpoints used by the DNS server (CNAME) — the HTTP path rewrites parameters and headers instead.
/// </summary>
public static class SafeSearch
{
    private static readonly string[] s_youTubeHosts =
    [
        "www.youtube.com", "youtube.com", "m.youtube.com", "youtubei.googleapis.com",
        "youtube.googleapis.com", "www.youtube-nocookie.com",
    ];

    public static SearchEngine Detect(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty)
        {
            return SearchEngine.None;
        }

        foreach (string yt in s_youTubeHosts)
        {
            if (host.Equals(yt, StringComparison.OrdinalIgnoreCase))
            {
                return SearchEngine.YouTube;
            }
        }

        ReadOnlySpan<char> name = host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;
        if (name.Equals("bing.com", StringComparison.OrdinalIgnoreCase))
        {
            return SearchEngine.Bing;
        }

        if (name.Equals("duckduckgo.com", StringComparison.OrdinalIgnoreCase)
            || host.Equals("start.duckduckgo.com", StringComparison.OrdinalIgnoreCase))
        {
            return SearchEngine.DuckDuckGo;
        }

        return name.StartsWith("google.", StringComparison.OrdinalIgnoreCase) && IsCountryTld(name[7..])
            ? SearchEngine.Google
            : SearchEngine.None;
    }

    /// <summary>"com", "de", "co.uk", "com.au": one or two short alphabetic labels.</summary>
    private static bool IsCountryTld(ReadOnlySpan<char> tld)
    {
        int labels = 0;
        foreach (Range r in tld.Split('.'))
        {
            ReadOnlySpan<char> label = tld[r];
            if (++labels > 2 || label.Length is < 2 or > 3 || !label.ContainsOnlyAsciiLetters())
            {
                return false;
            }
        }

        return labels > 0;
    }

    /// <summary>The vendor's safe host to CNAME to, or null when the level is off.</summary>
    public static string? CnameTarget(SearchEngine engine, SafeSearchLevel level) => (engine, level) switch
    {
        (_, SafeSearchLevel.Off) => null,
        (SearchEngine.Google, _) => "forcesafesearch.google.com",
        (SearchEngine.YouTube, SafeSearchLevel.Strict) => "restrict.youtube.com",
        (SearchEngine.YouTube, SafeSearchLevel.Moderate) => "restrictmoderate.youtube.com",
        (SearchEngine.Bing, _) => "strict.bing.com",
        (SearchEngine.DuckDuckGo, _) => "safe.duckduckgo.com",
        _ => null,
    };

    private static bool ContainsOnlyAsciiLetters(this ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}
