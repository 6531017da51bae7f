namespace FilterProxy.Core.Domains;

/// <summary>Collects URL entries; a repeated entry merges values like <see cref="DomainSetBuilder"/>.</summary>
public sealed class UrlSetBuilder(Func<int, int, int>? merge = null)
{
    private readonly Func<int, int, int> _merge = merge ?? ((existing, _) => existing);
    private readonly Dictionary<string, Dictionary<string, int>> _byHost = new(StringComparer.OrdinalIgnoreCase);

    public int Count { get; private set; }

    /// <summary>
    /// Adds "host/path" (a scheme, if present, is dropped). Returns false with a reason when the URL
    /// is not usable.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<char> url, int value, out string? error)
    {
        ReadOnlySpan<char> s = url.Trim();
        int scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            s = s[(scheme + 3)..];
        }

        int slash = s.IndexOf('/');
        ReadOnlySpan<char> hostPart = slash < 0 ? s : s[..slash];
        string path = slash < 0 ? "/" : s[slash..].ToString();
        int fragment = path.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            path = path[..fragment];
        }

        int colon = hostPart.LastIndexOf(':');
        if (colon > 0 && !hostPart.Contains(']') && hostPart[(colon + 1)..].IndexOfAnyExcept("0123456789") < 0)
        {
            hostPart = hostPart[..colon];
        }

        string? host = HostName.NormalizeEntry(hostPart, out error);
        if (host is null)
        {
            return false;
        }

        host = HostName.StripWww(host).ToString();
        if (!_byHost.TryGetValue(host, out Dictionary<string, int>? paths))
        {
            paths = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            _byHost[host] = paths;
        }

        if (paths.TryGetValue(path, out int existing))
        {
            paths[path] = _merge(existing, value);
        }
        else
        {
            paths[path] = value;
            Count++;
        }

        return true;
    }

    public UrlSet Build()
    {
        var result = new Dictionary<string, UrlPrefix[]>(_byHost.Count, StringComparer.OrdinalIgnoreCase);
        foreach ((string host, Dictionary<string, int> paths) in _byHost)
        {
            result[host] = paths
                .OrderByDescending(static p => p.Key.Length)
                .Select(p => new UrlPrefix(host, p.Key, p.Value))
                .ToArray();
        }

        return new UrlSet(result);
    }
}
