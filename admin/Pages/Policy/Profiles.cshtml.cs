using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages.Policy;

[Authorize(Roles = AdminRoles.Technician + "," + AdminRoles.SeniorLeader)]
public sealed class ProfilesModel(PolicyEvaluator evaluator, PolicyChangeService changes) : PageModel
{
    public PolicySnapshot Snapshot { get; private set; } = null!;
    public bool RequireApproval => changes.RequireApproval;

    public void OnGet() => Snapshot = evaluator.Snapshot;
}
