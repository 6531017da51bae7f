using System.Text.RegularExpressions;
using FilterProxy.Core.Domains;

namespace FilterProxy.Core.Policy;

/// <summary>
/// Builds a <see cref="RuleSet{T}"/> from entry patterns:
/// <c>example.com</c> (the domain and its subdomains), <c>example.com/path</c> or a full URL (a URL
/// prefix), and <c>regex:…</c> (a .NET regular expression over the full URL, run in linear time).
/// </summary>
internal sealed class RuleSetBuilder<T>
    where T : class
{
    public const string RegexPrefix = "regex:";
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(50);

    private readonly DomainSetBuilder _domains = new();
    private readonly List<List<T>> _domainBuckets = [];
    private readonly Dictionary<string, int> _domainIndex = new(StringComparer.Ordinal);
    private readonly UrlSetBuilder _urls = new();
    private readonly List<List<T>> _urlBuckets = [];
    private readonly Dictionary<string, int> _urlIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(Regex, T)> _regexes = [];

    /// <summary>Adds an entry; returns false with a reason if the pattern is not valid.</summary>
    public bool TryAdd(string pattern, T item, out string? error)
    {
        string p = pattern.Trim();
        if (p.StartsWith(RegexPrefix, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var regex = new Regex(
                    p[RegexPrefix.Length..],
                    RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking,
                    s_regexTimeout);
                _regexes.Add((regex, item));
                error = null;
                return true;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                error = $"invalid regular expression: {ex.Message}";
                return false;
            }
        }

        if (p.Contains('/', StringComparison.Ordinal))
        {
            string key = NormalizeUrlKey(p);
            if (!_urlIndex.TryGetValue(key, out int bucket))
            {
                bucket = _urlBuckets.Count;
                if (!_urls.TryAdd(p, bucket, out error))
                {
                    return false;
                }

                _urlIndex[key] = bucket;
                _urlBuckets.Add([]);
            }

            _urlBuckets[bucket].Add(item);
            error = null;
            return true;
        }

        string? name = HostName.NormalizeEntry(p, out error);
        if (name is null)
        {
            return false;
        }

        if (!_domainIndex.TryGetValue(name, out int index))
        {
            index = _domainBuckets.Count;
            _domainIndex[name] = index;
            _domainBuckets.Add([]);
            _domains.TryAdd(name, index, out _);
        }

        _domainBuckets[index].Add(item);
        return true;
    }

    public RuleSet<T> Build() => new(
        _domains.Build(),
        [.. _domainBuckets.Select(static b => b.ToArray())],
        _urls.Build(),
        [.. _urlBuckets.Select(static b => b.ToArray())],
        [.. _regexes]);

    private static string NormalizeUrlKey(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        return scheme >= 0 ? url[(scheme + 3)..] : url;
    }
}
