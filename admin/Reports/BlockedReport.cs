using FilterProxy.Core.Events;

namespace FilterProxy.Admin.Reports;

/// <summary>
/// Blocked attempts over the last N days, counted by day, category and profile, and the most blocked domains. Built
/// from the newest <see cref="EventQuery.MaxLimit"/> blocked events (<see cref="Truncated"/> says when there were more).
/// </summary>
public sealed record BlockedReport(int Days, IReadOnlyList<BlockedReport.Row> Rows, IReadOnlyList<(string Domain, long Count)> TopDomains, long Total, bool Truncated)
{
    public sealed record Row(DateOnly Day, string Category, string Profile, long Count);

    public IEnumerable<(string Name, long Count)> ByCategory => Rows.GroupBy(static r => r.Category).Select(static g => (g.Key, g.Sum(static r => r.Count))).OrderByDescending(static x => x.Item2);

    public IEnumerable<(string Name, long Count)> ByProfile => Rows.GroupBy(static r => r.Profile).Select(static g => (g.Key, g.Sum(static r => r.Count))).OrderByDescending(static x => x.Item2);

    public IEnumerable<(DateOnly Day, long Count)> ByDay => Rows.GroupBy(static r => r.Day).Select(static g => (g.Key, g.Sum(static r => r.Count))).OrderBy(static x => x.Item1);

    public static async Task<BlockedReport> BuildAsync(IEventStore store, DateTimeOffset now, int days, CancellationToken cancellationToken)
    {
        days = Math.Clamp(days, 1, 366);
        IReadOnlyList<FilterEvent> events = await store.QueryAsync(new EventQuery { Blocked = true, Since = now.AddDays(-days), Limit = EventQuery.MaxLimit }, cancellationToken);
        List<Row> rows = [.. events
            .GroupBy(static e => (Day: DateOnly.FromDateTime(e.Time.UtcDateTime), Category: e.Categories.Count > 0 ? e.Categories[0] : e.Reason ?? "other", Profile: e.Profile ?? "unknown"))
            .Select(static g => new Row(g.Key.Day, g.Key.Category, g.Key.Profile, g.Sum(static e => (long)e.Count)))
            .OrderBy(static r => r.Day).ThenBy(static r => r.Category, StringComparer.Ordinal)];
        List<(string, long)> top = [.. events.Where(static e => e.Host is not null).GroupBy(static e => e.Host!)
            .Select(static g => (g.Key, g.Sum(static e => (long)e.Count))).OrderByDescending(static x => x.Item2).Take(20)];
        // Counts are of attempts: a DNS event with repeats stands for that many identical queries.
        return new BlockedReport(days, rows, top, events.Sum(static e => (long)e.Count), events.Count >= EventQuery.MaxLimit);
    }
}
