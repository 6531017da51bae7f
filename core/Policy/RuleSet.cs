using System.Buffers;
using System.Text.RegularExpressions;
using FilterProxy.Core.Domains;

namespace FilterProxy.Core.Policy;

/// <summary>
/// Allow/deny/exception entries of one kind: domains (with subdomains), URL prefixes and regular
/// expressions over the full URL. Matching tries the most specific first: URL prefix, then domain
/// (longest suffix first), then regex.
/// </summary>
internal sealed class RuleSet<T>
    where T : class
{
    public static readonly RuleSet<T> Empty = new(DomainSet.Empty, [], UrlSet.Empty, [], []);

    private readonly DomainSet _domains;
    private readonly T[][] _domainBuckets;
    private readonly UrlSet _urls;
    private readonly T[][] _urlBuckets;
    private readonly (Regex Regex, T Item)[] _regexes;

    internal RuleSet(DomainSet domains, T[][] domainBuckets, UrlSet urls, T[][] urlBuckets, (Regex, T)[] regexes)
    {
        _domains = domains;
        _domainBuckets = domainBuckets;
        _urls = urls;
        _urlBuckets = urlBuckets;
        _regexes = regexes;
    }

    public bool IsEmpty => _domains.Count == 0 && _urls.Count == 0 && _regexes.Length == 0;

    public T? Find<TFilter>(ReadOnlySpan<char> host, bool isIpLiteral, ReadOnlySpan<char> scheme, ReadOnlySpan<char> pathAndQuery, ref TFilter filter)
        where TFilter : struct, IRuleFilter<T>
    {
        if (IsEmpty)
        {
            return null;
        }

        if (!pathAndQuery.IsEmpty && _urls.Match(host, pathAndQuery) is { } prefix
            && First(_urlBuckets[prefix.Value], ref filter) is { } byUrl)
        {
            return byUrl;
        }

        if (_domains.Count > 0)
        {
            var matches = default(DomainMatches);
            _domains.Match(host, !isIpLiteral, ref matches);
            for (int i = matches.Count - 1; i >= 0; i--)
            {
                if (First(_domainBuckets[_domains.ValueAt(matches[i])], ref filter) is { } byDomain)
                {
                    return byDomain;
                }
            }
        }

        return _regexes.Length == 0 ? null : FindRegex(host, scheme, pathAndQuery, ref filter);
    }

    private T? FindRegex<TFilter>(ReadOnlySpan<char> host, ReadOnlySpan<char> scheme, ReadOnlySpan<char> pathAndQuery, ref TFilter filter)
        where TFilter : struct, IRuleFilter<T>
    {
        if (scheme.IsEmpty)
        {
            scheme = "http";
        }

        if (pathAndQuery.IsEmpty)
        {
            pathAndQuery = "/";
        }

        int length = scheme.Length + 3 + host.Length + pathAndQuery.Length;
        char[]? rented = length > 1024 ? ArrayPool<char>.Shared.Rent(length) : null;
        Span<char> url = rented is null ? stackalloc char[1024] : rented;
        try
        {
            scheme.CopyTo(url);
            "://".CopyTo(url[scheme.Length..]);
            host.CopyTo(url[(scheme.Length + 3)..]);
            pathAndQuery.CopyTo(url[(scheme.Length + 3 + host.Length)..]);
            ReadOnlySpan<char> full = url[..length];
            foreach ((Regex regex, T item) in _regexes)
            {
                if (regex.IsMatch(full) && filter.Accept(item))
                {
                    return item;
                }
            }

            return null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static T? First<TFilter>(T[] bucket, ref TFilter filter)
        where TFilter : struct, IRuleFilter<T>
    {
        foreach (T item in bucket)
        {
            if (filter.Accept(item))
            {
                return item;
            }
        }

        return null;
    }
}
