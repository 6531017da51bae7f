using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages;

/// <summary>The checklist against the live settings (no personal data: every role may read it).</summary>
[Authorize(Policy = AdminPolicies.Reports)]
public sealed class ComplianceModel(ComplianceService compliance) : PageModel
{
    public long Version { get; private set; }
    public IReadOnlyList<ComplianceLine> Lines { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => (Version, Lines) = await compliance.EvaluateAsync(cancellationToken);
}
