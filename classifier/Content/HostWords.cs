using System.Collections.Concurrent;
using System.Text;
using FilterProxy.Classifier.Normalisation;

namespace FilterProxy.Classifier.Content;

/// <summary>
/// The words in a site's name, so a page from a domain no list knows still carries its name's evidence
/// ("hot-escorts-london.example" → "hot escorts london", "freecasinobonus.example" → "free casino bonus", "xxxvideos" →
/// "xxx videos"): labels split at dots, hyphens and digits, the public suffix and "www" left out, and runs of letters read
/// as known words where the vocabulary can. Cached per host (bounded), so a page costs no allocation.
/// </summary>
internal sealed class HostWords(Vocabulary? vocabulary)
{
    private const int MaxCached = 20_000;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.OrdinalIgnoreCase);

    public string Of(string? host)
    {
        if (string.IsNullOrEmpty(host) || System.Net.IPAddress.TryParse(Core.Domains.HostName.WithoutBrackets(host), out _))
        {
            return "";
        }

        if (_cache.TryGetValue(host, out string? words))
        {
            return words;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        return _cache[host] = Split(host);
    }

    private string Split(string host)
    {
        string[] labels = host.ToLowerInvariant().TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
        // Leave out the suffix: the last label, and the one before it when it is a second-level suffix ("co.uk", "com.br").
        int end = labels.Length - 1;
        if (end >= 2 && labels[end - 1].Length <= 3 && labels[end].Length == 2)
        {
            end--;
        }

        var sb = new StringBuilder();
        for (int i = 0; i < end; i++)
        {
            if (i == 0 && labels[i] is "www" or "m" or "mobile" or "web")
            {
                continue;
            }

            foreach (string part in labels[i].Split(['-', '_', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], StringSplitOptions.RemoveEmptyEntries))
            {
                string read = vocabulary?.SplitIntoKnown(part) ?? part;
                sb.Append(read).Append(' ');
            }
        }

        return sb.ToString();
    }
}
