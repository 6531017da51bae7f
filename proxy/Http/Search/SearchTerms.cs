using System.Text;

namespace FilterProxy.Http.Search;

/// <summary>
/// The search term in a search engine's or video site's URL: Google, Bing, DuckDuckGo, YouTube, Yahoo, Ecosia
/// and Wikipedia. Normalised for the DSL and the alert rules: URL-decoded, whitespace squeezed, lower-case,
/// at most <see cref="MaxLength"/> characters. Null when the URL is not a search.
/// </summary>
internal static class SearchTerms
{
    public const int MaxLength = 256;

    public static string? Extract(ReadOnlySpan<char> host, ReadOnlySpan<char> pathAndQuery)
    {
        int q = pathAndQuery.IndexOf('?');
        if (q < 0 || host.IsEmpty)
        {
            return null;
        }

        ReadOnlySpan<char> path = pathAndQuery[..q];
        ReadOnlySpan<char> query = pathAndQuery[(q + 1)..];
        string? parameter = ParameterFor(host, path);
        return parameter is null ? null : Normalize(QueryValue(query, parameter));
    }

    private static string? ParameterFor(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        ReadOnlySpan<char> h = host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;
        if (h.Equals("youtube.com", StringComparison.OrdinalIgnoreCase) || h.Equals("m.youtube.com", StringComparison.OrdinalIgnoreCase))
        {
            return path.Equals("/results", StringComparison.OrdinalIgnoreCase) ? "search_query" : null;
        }

        if (h.EndsWith("search.yahoo.com", StringComparison.OrdinalIgnoreCase))
        {
            return path.StartsWith("/search", StringComparison.OrdinalIgnoreCase) ? "p" : null;
        }

        if (h.EndsWith(".wikipedia.org", StringComparison.OrdinalIgnoreCase))
        {
            return path.StartsWith("/w/index.php", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/wiki/Special:Search", StringComparison.OrdinalIgnoreCase)
                ? "search"
                : null;
        }

        if (h.Equals("duckduckgo.com", StringComparison.OrdinalIgnoreCase) || h.EndsWith(".duckduckgo.com", StringComparison.OrdinalIgnoreCase))
        {
            return path is "/" or "/html" or "/html/" or "/lite" or "/lite/" ? "q" : null;
        }

        bool searchPath = path.Equals("/search", StringComparison.OrdinalIgnoreCase);
        if (h.Equals("bing.com", StringComparison.OrdinalIgnoreCase) || h.Equals("ecosia.org", StringComparison.OrdinalIgnoreCase))
        {
            return searchPath ? "q" : null;
        }

        return Core.Policy.SafeSearch.Detect(host) == Core.Policy.SearchEngine.Google && searchPath ? "q" : null;
    }

    /// <summary>The first value of <paramref name="name"/> in a query string, still encoded; empty if absent.</summary>
    internal static ReadOnlySpan<char> QueryValue(ReadOnlySpan<char> query, string name)
    {
        foreach (Range r in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[r];
            if (pair.Length > name.Length && pair[name.Length] == '=' && pair.StartsWith(name, StringComparison.Ordinal))
            {
                return pair[(name.Length + 1)..];
            }
        }

        return default;
    }

    private static string? Normalize(ReadOnlySpan<char> encoded)
    {
        if (encoded.IsEmpty)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(encoded.ToString().Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            decoded = encoded.ToString();
        }

        var sb = new StringBuilder(Math.Min(decoded.Length, MaxLength));
        bool space = false;
        foreach (char c in decoded.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(char.ToLowerInvariant(c));
            if (sb.Length >= MaxLength)
            {
                break;
            }
        }

        return sb.Length == 0 ? null : sb.ToString();
    }
}
