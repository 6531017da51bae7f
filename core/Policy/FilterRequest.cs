using System.Net;

namespace FilterProxy.Core.Policy;

/// <summary>
/// The question every path asks: for this client, at this moment, this host (and URL if known).
/// A ref struct over spans, so HTTP and DNS can ask without allocating a string per request.
/// </summary>
public readonly ref struct FilterRequest
{
    /// <summary>Host name or IP literal, as received (case, trailing dot and IDN are normalised by the evaluator).</summary>
    public ReadOnlySpan<char> Host { get; init; }

    /// <summary>"http", "https", or empty when only a name is known (DNS, SNI).</summary>
    public ReadOnlySpan<char> Scheme { get; init; }

    /// <summary>Path and query ("/a/b?q=1"), or empty when only a name is known.</summary>
    public ReadOnlySpan<char> PathAndQuery { get; init; }

    public IPAddress? Client { get; init; }

    /// <summary>The signed-in user, when identity is known.</summary>
    public string? User { get; init; }

    /// <summary>An explicit profile (from identity, or the check command); otherwise the client's group decides.</summary>
    public string? Profile { get; init; }

    /// <summary>The person is flagged vulnerable: the profile that decides is replaced by its stricter mapping (identity.vulnerableProfiles).</summary>
    public bool Vulnerable { get; init; }

    /// <summary>When the request happens; default means "now" by the evaluator's clock.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>Splits "https://host:port/path?q", "host/path" or "host" without allocating.</summary>
    public static FilterRequest ForUrl(ReadOnlySpan<char> url, IPAddress? client = null, string? profile = null, DateTimeOffset time = default, string? user = null)
    {
        ReadOnlySpan<char> rest = url.Trim();
        ReadOnlySpan<char> scheme = default;
        int schemeEnd = rest.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            scheme = rest[..schemeEnd];
            rest = rest[(schemeEnd + 3)..];
        }

        int fragment = rest.IndexOf('#');
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }

        int authorityEnd = rest.IndexOfAny('/', '?');
        ReadOnlySpan<char> authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        ReadOnlySpan<char> path = authorityEnd < 0 ? default : rest[authorityEnd..];
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        return new FilterRequest
        {
            Host = StripPort(authority),
            Scheme = scheme,
            PathAndQuery = path.IsEmpty && !scheme.IsEmpty ? "/" : path,
            Client = client,
            Profile = profile,
            Time = time,
            User = user,
        };
    }

    /// <summary>"host:8080" → "host"; "[::1]:443" → "[::1]"; a bare IPv6 address is left alone.</summary>
    public static ReadOnlySpan<char> StripPort(ReadOnlySpan<char> authority)
    {
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']');
            return close > 0 ? authority[..(close + 1)] : authority;
        }

        int colon = authority.LastIndexOf(':');
        return colon > 0 && authority.IndexOf(':') == colon ? authority[..colon] : authority;
    }
}
