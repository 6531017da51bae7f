using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>Pending and decided changes; senior leaders approve or reject (each POST handler checks the approver policy).</summary>
[Authorize(Roles = AdminRoles.Technician + "," + AdminRoles.SeniorLeader)]
public sealed class ChangesModel(PolicyChangeService changes) : FormPageModel
{
    public bool RequireApproval => changes.RequireApproval;
    public IEnumerable<PolicyChange> Pending => changes.All.Where(static c => c.Status == ChangeStatus.Pending).Reverse();
    public IEnumerable<PolicyChange> Decided => changes.All.Where(static c => c.Status != ChangeStatus.Pending).Reverse().Take(100);

    public void OnGet()
    {
    }

    public Task<IActionResult> OnPostApproveAsync(string id, string? note, CancellationToken cancellationToken) => DecideAsync(id, true, note, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(string id, string? note, CancellationToken cancellationToken) => DecideAsync(id, false, note, cancellationToken);

    public async Task<IActionResult> OnPostApprovalAsync(bool require, CancellationToken cancellationToken)
    {
        if (!await MayAsync(AdminPolicies.Approver))
        {
            return Forbid();
        }

        await changes.SetRequireApprovalAsync(require, User.Actor(), cancellationToken);
        Done = require ? "Changes now need a second person's approval." : "Changes now apply without approval.";
        return Page();
    }

    private async Task<IActionResult> DecideAsync(string id, bool approve, string? note, CancellationToken cancellationToken)
    {
        if (!await MayAsync(AdminPolicies.Approver))
        {
            return Forbid();
        }

        PolicyChangeService.Outcome outcome = await changes.DecideAsync(id, User.Actor(), approve, note, cancellationToken);
        if (outcome.Errors.Count > 0)
        {
            Fail(outcome.Errors);
        }
        else
        {
            Done = approve ? $"Change {id} approved and applied." : $"Change {id} rejected.";
        }

        return Page();
    }
}
