using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Api;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Events;
using FilterProxy.Core.Health;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages;

[Authorize(Policy = AdminPolicies.Reports)]
public sealed class IndexModel(IEventStore store, PolicyEvaluator evaluator, IEnumerable<IHealthReporter> components, PolicyChangeService changes, TimeProvider time) : PageModel
{
    public AdminEndpoints.Health Health { get; private set; } = null!;
    public long Today { get; private set; }
    public long BlockedToday { get; private set; }
    public int OpenAlerts { get; private set; }
    public int PendingChanges { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Health = AdminEndpoints.Health.From(evaluator.Snapshot, components);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        IReadOnlyList<DayCount> counts = await store.CountsAsync(today, today, cancellationToken);
        Today = counts.Sum(static c => c.Count);
        BlockedToday = counts.Where(static c => c.Verdict == "block").Sum(static c => c.Count);
        if (User.IsInRole(AdminRoles.Dsl))
        {
            OpenAlerts = (await store.QueryAlertsAsync(new AlertQuery { Status = AlertStatus.New, Limit = 1000 }, cancellationToken)).Count;
        }

        PendingChanges = changes.All.Count(static c => c.Status == ChangeStatus.Pending);
    }
}
