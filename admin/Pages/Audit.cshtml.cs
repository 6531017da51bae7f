using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages;

/// <summary>The hash-chained audit trail, newest first (the last 500 matching), verified on every view.</summary>
[Authorize(Policy = AdminPolicies.Audit)]
public sealed class AuditModel(IEventStore store) : PageModel
{
    public string? Action { get; private set; }
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public IReadOnlyList<string> Problems { get; private set; } = [];
    public long Count { get; private set; }

    public async Task OnGetAsync(string? action, CancellationToken cancellationToken)
    {
        Action = string.IsNullOrWhiteSpace(action) ? null : action.Trim();
        var all = new List<AuditEntry>();
        await foreach (AuditEntry e in store.ReadAuditAsync(cancellationToken))
        {
            all.Add(e);
        }

        AuditVerification verification = await AuditChain.Verify(all.ToAsyncEnumerable(), cancellationToken);
        Problems = verification.Problems;
        Count = all.Count;
        Entries = [.. all.Where(e => Action is null || e.Action.StartsWith(Action, StringComparison.OrdinalIgnoreCase)).Reverse().Take(500)];
    }
}
