using System.Globalization;
using System.Security.Claims;
using System.Text;
using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Reports;
using FilterProxy.Core.Events;
using FilterProxy.Core.Text;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Export;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace FilterProxy.Admin.Alerts;

/// <summary>
/// CSV downloads: an alert's chronology and a person's, device's or address's history (for a referral; both audited),
/// and the blocked-attempts report (aggregate counts only).
/// </summary>
public static class ExportEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/alerts/{id}/chronology.csv", AlertAsync).RequireAuthorization(AdminPolicies.Safeguarding);
        app.MapGet("/history/export.csv", HistoryAsync).RequireAuthorization(AdminPolicies.PupilData);
        app.MapGet("/reports/blocked.csv", ReportAsync).RequireAuthorization(AdminPolicies.Reports);
    }

    private static async Task<IResult> AlertAsync(string id, ClaimsPrincipal user, IEventStore store, AlertService alerts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await alerts.GetAsync(id, cancellationToken) is not { } alert)
        {
            return Results.NotFound($"there is no alert {id}");
        }

        var csv = new StringBuilder();
        csv.AppendLine(Csv.Line(["time", "actor", "action", "note", "alert", "severity", "rule", "subject", "user", "device", "client", "url", "searchTerm", "content"]));
        FilterEvent t = alert.Trigger;
        csv.AppendLine(Csv.Line([Time(t.Time), "filterproxy", "event", t.Reason ?? t.Verdict, alert.Id, Alert.SeverityName(alert.Severity), alert.Rule, alert.Subject, t.User, t.Device, t.ClientIp, t.Url ?? t.Host, t.SearchTerm, t.Content]));
        foreach (AlertAction h in alert.History)
        {
            csv.AppendLine(Csv.Line([Time(h.Time), h.Actor, h.Action, h.Note, alert.Id, null, null, null, null, null, null, null, null, null]));
        }

        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), user.Actor(), "export.alert", "alert/" + id, $"chronology, csv, {alert.History.Count + 1} rows"), cancellationToken);
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"alert-{id}-chronology.csv");
    }

    private static async Task<IResult> HistoryAsync(string? user, string? device, string? ip, ClaimsPrincipal actor, IEventStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HistorySearch.Query(user, device, ip, null, null) is not { } query)
        {
            return Results.BadRequest("give a user, device or IP address");
        }

        IReadOnlyList<FilterEvent> events = await store.QueryAsync(query with { Limit = EventQuery.MaxLimit }, cancellationToken);
        var csv = new StringBuilder();
        csv.AppendLine(SubjectAccessExport.Header);
        foreach (FilterEvent e in events)
        {
            csv.AppendLine(SubjectAccessExport.Csv(e, null));
        }

        string subject = HistorySearch.Describe(query);
        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), actor.Actor(), "export.history", subject, $"{events.Count} events, csv"), cancellationToken);
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "history.csv");
    }

    private static async Task<IResult> ReportAsync(IEventStore store, TimeProvider time, int? days, CancellationToken cancellationToken)
    {
        BlockedReport report = await BlockedReport.BuildAsync(store, time.GetUtcNow(), days ?? 30, cancellationToken);
        var csv = new StringBuilder();
        csv.AppendLine(Csv.Line(["day", "category", "profile", "blocked"]));
        foreach (var row in report.Rows)
        {
            csv.AppendLine(Csv.Line([row.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Category, row.Profile, row.Count.ToString(CultureInfo.InvariantCulture)]));
        }

        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "blocked-attempts.csv");
    }

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
