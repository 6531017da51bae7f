using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Reports;
using FilterProxy.Core.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages;

/// <summary>A person's, device's or address's history: pupil data, so the DSL or someone granted it; each search audited.</summary>
[Authorize(Policy = AdminPolicies.PupilData)]
public sealed class HistoryModel(IEventStore store, TimeProvider time) : PageModel
{
    public string? UserName { get; private set; }
    public string? Device { get; private set; }
    public string? Ip { get; private set; }
    public EventQuery? Query { get; private set; }
    public IReadOnlyList<FilterEvent> Events { get; private set; } = [];

    public async Task OnGetAsync(string? user, string? device, string? ip, CancellationToken cancellationToken)
    {
        (UserName, Device, Ip) = (user, device, ip);
        Query = HistorySearch.Query(user, device, ip, null, null);
        if (Query is not null)
        {
            Events = await store.QueryAsync(Query, cancellationToken);
            await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), User.Actor(), "history.view", HistorySearch.Describe(Query), $"{Events.Count} events shown"), cancellationToken);
        }
    }
}
