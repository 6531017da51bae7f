using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FilterProxy.Admin.Pages.Alerts;

/// <summary>One alert: who, where, what, why; its chronology; the person's activity an hour either side; the DSL's actions.</summary>
[Authorize(Policy = AdminPolicies.Safeguarding)]
public sealed class DetailModel(IEventStore store, AlertService alerts) : FormPageModel
{
    public Alert? Alert { get; private set; }
    public IReadOnlyList<FilterEvent> Context { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostAcknowledgeAsync(string id, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, "Acknowledged.", () => alerts.AcknowledgeAsync(id, User.Actor(), Blank(note), cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostNoteAsync(string id, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, "Note added.", () => alerts.AddNoteAsync(id, User.Actor(), note ?? "", cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostResolveAsync(string id, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, "Resolved.", () => alerts.ResolveAsync(id, User.Actor(), Blank(note), cancellationToken), cancellationToken);

    private async Task<IActionResult> ActAsync(string id, string done, Func<Task<Alert>> act, CancellationToken cancellationToken)
    {
        try
        {
            await act();
            Done = done;
        }
        catch (AlertActionException ex)
        {
            if (ex.NotFound)
            {
                return NotFound();
            }

            Fail(ex.Message);
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        Alert = await alerts.GetAsync(id, cancellationToken);
        if (Alert is null)
        {
            return false;
        }

        FilterEvent t = Alert.Trigger;
        var window = new EventQuery
        {
            User = t.User,
            ClientIp = t.User is null ? t.ClientIp : null,
            Since = t.Time.AddHours(-1),
            Until = t.Time.AddHours(1),
            Limit = 500,
        };
        Context = t.User is null && t.ClientIp is null ? [] : await store.QueryAsync(window, cancellationToken);
        return true;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
