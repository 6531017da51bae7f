using System.Globalization;
using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Events.Export;

/// <summary>
/// Everything the store holds about one person: every event (newest first, paged by time so any number is
/// exported) and every alert about them. JSON lines (events, then alerts, each with a "record" field) or CSV.
/// </summary>
public static class SubjectAccessExport
{
    private static readonly string[] s_columns =
        ["record", "time", "kind", "node", "client", "device", "user", "profile", "method", "host", "url", "searchTerm", "categories",
         "verdict", "reason", "rule", "list", "status", "bytes", "content", "score", "risk", "theme", "alertId", "severity", "alertStatus", "alertHistory", "repeats"];

    public static async Task<(long Events, long Alerts)> WriteAsync(IEventStore store, string user, string format, TextWriter o, CancellationToken cancellationToken)
    {
        bool csv = format == "csv";
        if (csv)
        {
            await o.WriteLineAsync(Header);
        }

        long events = 0;
        DateTimeOffset? until = null;
        var seenAtBoundary = new HashSet<(string?, long)>();
        while (true)
        {
            IReadOnlyList<FilterEvent> page = await store.QueryAsync(new EventQuery { User = user, Until = until, Limit = 1000 }, cancellationToken);
            int fresh = 0;
            foreach (FilterEvent e in page)
            {
                if (until is { } u && e.Time >= u.AddMilliseconds(-1) && !seenAtBoundary.Add((e.Node, e.Seq)))
                {
                    continue;
                }

                fresh++;
                events++;
                await o.WriteLineAsync(csv ? Csv(e, null) : "{\"record\":\"event\"," + EventJson.Serialize(e)[1..]);
            }

            if (page.Count < 1000 || fresh == 0)
            {
                break;
            }

            // Next page: up to and including the oldest millisecond seen (events sharing it are told apart by node and sequence).
            DateTimeOffset oldest = page[^1].Time;
            seenAtBoundary = [.. page.Where(e => e.Time == oldest).Select(static e => (e.Node, e.Seq))];
            until = oldest.AddMilliseconds(1);
        }

        IReadOnlyList<Alert> alerts = await store.QueryAlertsAsync(new AlertQuery { Subject = user, Limit = EventQuery.MaxLimit }, cancellationToken);
        foreach (Alert a in alerts)
        {
            await o.WriteLineAsync(csv ? Csv(a.Trigger, a) : "{\"record\":\"alert\"," + EventJson.Serialize(a)[1..]);
        }

        return (events, alerts.Count);
    }

    /// <summary>The CSV header line the rows below follow.</summary>
    public static string Header => string.Join(',', s_columns);

    /// <summary>One event, or an alert with its trigger, as a CSV line.</summary>
    public static string Csv(FilterEvent e, Alert? a)
    {
        string?[] values =
        [
            a is null ? "event" : "alert", e.Time.ToString("O", CultureInfo.InvariantCulture), FilterEvent.KindName(e.Kind), e.Node, e.ClientIp, e.Device, e.User,
            e.Profile, e.Method, e.Host, e.Url, e.SearchTerm, string.Join(';', e.Categories), e.Verdict, e.Reason, e.Rule, e.List,
            e.Status.ToString(CultureInfo.InvariantCulture), e.Bytes.ToString(CultureInfo.InvariantCulture), e.Content,
            e.Score?.ToString(CultureInfo.InvariantCulture), e.Risk, e.Theme, a?.Id, a is null ? null : Alert.SeverityName(a.Severity),
            a is null ? null : Alert.StatusName(a.Status),
            a is null ? null : string.Join(" | ", a.History.Select(static h => $"{h.Time:O} {h.Actor} {h.Action}{(h.Note is null ? "" : ": " + h.Note)}")),
            e.Repeats?.ToString(CultureInfo.InvariantCulture),
        ];
        return FilterProxy.Core.Text.Csv.Line(values);
    }
}
