using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Events;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>List sources with their freshness, and a refresh now (audited).</summary>
[Authorize(Policy = AdminPolicies.Technician)]
public sealed class ListsModel(PolicyEvaluator evaluator, IPolicyAdmin policy, IEventStore store, TimeProvider time) : FormPageModel
{
    public IReadOnlyList<ListReport> Reports => evaluator.Snapshot.Lists.Reports;

    public void OnGet()
    {
    }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        bool ok = await policy.RefreshListsAsync($"lists refreshed by {User.Actor()}", cancellationToken);
        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), User.Actor(), "lists.refresh", "lists", ok ? "refreshed" : "refused: the last good lists stay"), cancellationToken);
        if (ok)
        {
            Done = $"Lists refreshed: {Reports.Count(static r => !r.Stale)} fresh, {Reports.Count(static r => r.Stale)} stale.";
        }
        else
        {
            Fail("The refresh was refused (see the gateway's log); the last good lists keep filtering.", StatusCodes.Status500InternalServerError);
        }
    }
}
