using System.Globalization;
using FilterProxy.Core.Events;

namespace FilterProxy.Events.Stores;

/// <summary>
/// A batch's events counted per UTC day, kind and verdict (both stores keep these for reports). Keyed by the day's
/// number, so nothing is formatted per event; each day's "yyyy-MM-dd" is made once, when the counts are read.
/// </summary>
internal sealed class DailyCounts
{
    private readonly Dictionary<(int Day, EventKind Kind, string Verdict), long> _counts = [];

    public void Add(FilterEvent e)
    {
        var key = (Number(e.Time), e.Kind, e.Verdict);
        _counts[key] = _counts.GetValueOrDefault(key) + e.Count;
    }

    public IEnumerable<(string Day, string Kind, string Verdict, long Count)> Entries =>
        _counts.Select(static p => (Name(p.Key.Day), FilterEvent.KindName(p.Key.Kind), p.Key.Verdict, p.Value));

    /// <summary>The UTC day's number (a batch is stored in one SQLite block per day).</summary>
    public static int Number(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime).DayNumber;

    public static string Name(DateTimeOffset time) => Name(Number(time));

    private static string Name(int day) => DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
