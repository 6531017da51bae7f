using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages.Alerts;

[Authorize(Policy = AdminPolicies.Safeguarding)]
public sealed class IndexModel(IEventStore store) : PageModel
{
    public AlertSeverity Severity { get; private set; }
    public string Status { get; private set; } = "open";
    public IReadOnlyList<Alert> Alerts { get; private set; } = [];

    public async Task OnGetAsync(string? severity, string? status, CancellationToken cancellationToken)
    {
        Severity = Enum.TryParse(severity, ignoreCase: true, out AlertSeverity s) ? s : AlertSeverity.Info;
        Status = status is "new" or "acknowledged" or "resolved" or "all" ? status : "open";
        AlertStatus? only = Status switch { "new" => AlertStatus.New, "acknowledged" => AlertStatus.Acknowledged, "resolved" => AlertStatus.Resolved, _ => null };
        IReadOnlyList<Alert> alerts = await store.QueryAlertsAsync(new AlertQuery { Status = only, MinSeverity = Severity, Limit = 500 }, cancellationToken);
        Alerts = Status == "open" ? [.. alerts.Where(static a => a.Status != AlertStatus.Resolved)] : alerts;
    }
}
