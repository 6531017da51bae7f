using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Reports;
using FilterProxy.Core.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages;

/// <summary>Aggregate reports for every role; the search-term report only for those who may read pupil data.</summary>
[Authorize(Policy = AdminPolicies.Reports)]
public sealed class ReportsModel(IEventStore store, TimeProvider time) : PageModel
{
    private static readonly HashSet<string> s_worrying = ["medium", "high", "critical"];

    public BlockedReport Report { get; private set; } = null!;
    public IReadOnlyList<FilterEvent>? SearchTerms { get; private set; }

    public async Task OnGetAsync(int? days, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        Report = await BlockedReport.BuildAsync(store, now, days ?? 30, cancellationToken);
        if (User.IsInRole(AdminRoles.Dsl) || User.IsInRole(AdminRoles.PupilDataGrant))
        {
            IReadOnlyList<FilterEvent> searches = await store.QueryAsync(new EventQuery { Kind = EventKind.Search, Since = now.AddDays(-Report.Days), Limit = EventQuery.MaxLimit }, cancellationToken);
            SearchTerms = [.. searches.Where(static e => e.Risk is not null && s_worrying.Contains(e.Risk)).Take(200)];
        }
    }
}
