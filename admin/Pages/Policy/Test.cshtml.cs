using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>"Test a URL": the shared evaluator's decision and explanation for every profile.</summary>
[Authorize(Policy = AdminPolicies.Technician)]
public sealed class TestModel(PolicyEvaluator evaluator, TimeProvider time) : PageModel
{
    public string? Address { get; private set; }
    public long Version { get; private set; }
    public IReadOnlyList<DecisionReport> Reports { get; private set; } = [];

    public void OnGet(string? url)
    {
        Address = url;
        if (string.IsNullOrWhiteSpace(url))
        {
            return;
        }

        PolicySnapshot snapshot = evaluator.Snapshot;
        Version = snapshot.Version;
        DateTimeOffset now = time.GetUtcNow();
        Reports = [.. snapshot.Profiles.OrderByDescending(static p => p.Strictness).Select(p =>
        {
            FilterRequest request = FilterRequest.ForUrl(url.Trim(), null, p.Name, now, null);
            Decision d = evaluator.Evaluate(in request);
            return DecisionReport.From(in d, url.Trim());
        })];
    }
}
