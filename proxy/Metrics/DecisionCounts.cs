using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FilterProxy.Core.Categories;

namespace FilterProxy.Metrics;

/// <summary>
/// Decisions counted by the gateway itself and handed to OpenTelemetry when read (an observable counter): one
/// <see cref="Interlocked.Increment(ref long)"/> per request or query, against the SDK's per-call lookup of a
/// four-label point (measured: 4.5% of mixed DNS QPS with the SDK's counter, see ARCHITECTURE). Cells by profile name,
/// then source × verdict × category; a profile removed by a reload keeps its totals (counters never go back).
/// </summary>
internal sealed class DecisionCounts
{
    public static readonly string[] Sources = ["http", "https", "tunnel", "dns"];
    public static readonly string[] Verdicts = ["allow", "block", "allow-with-safe-search", "refuse", "error", "other"];
    private static readonly string[] s_categories = [.. Categories.All.Select(static c => c.Name), "none"];
    private static readonly int s_cells = Sources.Length * Verdicts.Length * s_categories.Length;

    private readonly ConcurrentDictionary<string, long[]> _byProfile = new(StringComparer.Ordinal);

    public void Add(int source, string verdict, Category? category, string? profile)
    {
        long[] cells = _byProfile.TryGetValue(profile ?? "none", out long[]? found) ? found : _byProfile.GetOrAdd(profile ?? "none", static _ => new long[s_cells]);
        int c = category is { } known ? (int)known : s_categories.Length - 1;
        Interlocked.Increment(ref cells[((source * Verdicts.Length) + VerdictIndex(verdict)) * s_categories.Length + c]);
    }

    private static int VerdictIndex(string verdict) => verdict switch
    {
        "allow" => 0,
        "block" => 1,
        "allow-with-safe-search" => 2,
        "refuse" => 3,
        "error" => 4,
        _ => 5,
    };

    public IEnumerable<Measurement<long>> Read()
    {
        foreach ((string profile, long[] cells) in _byProfile)
        {
            for (int i = 0; i < cells.Length; i++)
            {
                long n = Volatile.Read(ref cells[i]);
                if (n == 0)
                {
                    continue;
                }

                int category = i % s_categories.Length;
                int rest = i / s_categories.Length;
                yield return new Measurement<long>(n,
                    new KeyValuePair<string, object?>("filterproxy.source", Sources[rest / Verdicts.Length]),
                    new KeyValuePair<string, object?>("filterproxy.verdict", Verdicts[rest % Verdicts.Length]),
                    new KeyValuePair<string, object?>("filterproxy.category", s_categories[category]),
                    new KeyValuePair<string, object?>("filterproxy.profile", profile));
            }
        }
    }
}
