using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Policy;
using FilterProxy.Admin.Reports;
using FilterProxy.Core.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages;

/// <summary>A termly summary in figures only (no names), printable, for the governing body.</summary>
[Authorize(Policy = AdminPolicies.Reports)]
public sealed class GovernorsModel(IEventStore store, PolicyChangeService changes, ComplianceService compliance, TimeProvider time) : PageModel
{
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public long Requests { get; private set; }
    public long Blocked { get; private set; }
    public IReadOnlyList<Alert> Alerts { get; private set; } = [];
    public int ChangesApproved { get; private set; }
    public BlockedReport Report { get; private set; } = null!;
    public int ChecklistMet { get; private set; }
    public int ChecklistOff { get; private set; }
    public int ChecklistTotal { get; private set; }

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        To = to ?? DateOnly.FromDateTime(now.UtcDateTime);
        From = from is { } f && f <= To ? f : To.AddDays(-91); // a term is about thirteen weeks
        IReadOnlyList<DayCount> counts = await store.CountsAsync(From, To, cancellationToken);
        Requests = counts.Sum(static c => c.Count);
        Blocked = counts.Where(static c => c.Verdict == "block").Sum(static c => c.Count);
        var since = new DateTimeOffset(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var until = new DateTimeOffset(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Alerts = [.. (await store.QueryAlertsAsync(new AlertQuery { Since = since, Limit = EventQuery.MaxLimit }, cancellationToken)).Where(a => a.Created < until)];
        ChangesApproved = changes.All.Count(c => c.Status == ChangeStatus.Applied && c.Decided >= since && c.Decided < until);
        Report = await BlockedReport.BuildAsync(store, until, To.DayNumber - From.DayNumber + 1, cancellationToken);
        (_, IReadOnlyList<ComplianceLine> lines) = await compliance.EvaluateAsync(cancellationToken);
        ChecklistMet = lines.Count(static l => l.State == ComplianceState.Met);
        ChecklistOff = lines.Count(static l => l.State == ComplianceState.Off);
        ChecklistTotal = lines.Count;
    }
}
