namespace FilterProxy.Core.Domains;

/// <summary>
/// URL-prefix entries in the squidGuard/UT1/IWF style: <c>host/path-prefix</c>, host without a leading
/// "www." label, matched case-insensitively. Lookup is a span-keyed dictionary probe (no allocation)
/// followed by a short scan of that host's prefixes, longest first.
/// </summary>
public sealed class UrlSet
{
    public static readonly UrlSet Empty = new(new Dictionary<string, UrlPrefix[]>(StringComparer.OrdinalIgnoreCase));

    private readonly Dictionary<string, UrlPrefix[]> _byHost;
    private readonly Dictionary<string, UrlPrefix[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    internal UrlSet(Dictionary<string, UrlPrefix[]> byHost)
    {
        _byHost = byHost;
        _lookup = byHost.GetAlternateLookup<ReadOnlySpan<char>>();
        Count = byHost.Values.Sum(static v => v.Length);
    }

    public int Count { get; }

    /// <summary>The longest prefix listed for this host that <paramref name="pathAndQuery"/> starts with.</summary>
    public UrlPrefix? Match(ReadOnlySpan<char> host, ReadOnlySpan<char> pathAndQuery)
    {
        if (_byHost.Count == 0 || !_lookup.TryGetValue(HostName.StripWww(host), out UrlPrefix[]? prefixes))
        {
            return null;
        }

        if (pathAndQuery.IsEmpty)
        {
            pathAndQuery = "/";
        }

        foreach (UrlPrefix prefix in prefixes)
        {
            if (pathAndQuery.StartsWith(prefix.Path, StringComparison.OrdinalIgnoreCase))
            {
                return prefix;
            }
        }

        return null;
    }
}

/// <summary>One URL entry: the path prefix (starting with '/') and its value.</summary>
public sealed record UrlPrefix(string Host, string Path, int Value)
{
    public override string ToString() => Host + Path;
}
