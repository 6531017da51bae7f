using System.Globalization;
using System.Text.Json.Nodes;
using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>Suspending a user's or an address's internet access (and lifting it): the DSL's or the technician's, audited.</summary>
[Authorize(Roles = AdminRoles.Dsl + "," + AdminRoles.Technician)]
public sealed class SuspensionsModel(PolicyLists lists, PolicyEvaluator evaluator, IEventStore store, TimeProvider time) : FormPageModel
{
    public DateTimeOffset Now { get; } = time.GetUtcNow();
    public IReadOnlyList<Suspension> Suspensions => evaluator.Snapshot.SuspensionList;

    public void OnGet()
    {
    }

    public async Task OnPostSuspendAsync(string? user, string? client, string? until, string? reason, CancellationToken cancellationToken)
    {
        user = string.IsNullOrWhiteSpace(user) ? null : user.Trim();
        client = string.IsNullOrWhiteSpace(client) ? null : client.Trim();
        if ((user is null) == (client is null) || !DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset end))
        {
            Fail("give either a user name or an address, and an end time");
            return;
        }

        var entry = new JsonObject { ["user"] = user, ["client"] = client, ["from"] = Now, ["until"] = end, ["reason"] = reason?.Trim(), ["by"] = User.Identity!.Name };
        string who = user ?? client!;
        if (await ApplyAsync([.. lists.Suspensions, entry], "a suspension was added (who: in the audit trail)", cancellationToken))
        {
            await store.AppendAuditAsync(new AuditRecord(Now, User.Actor(), "suspension.added", (user is null ? "client/" : "user/") + who, $"until {end:yyyy-MM-dd HH:mm} UTC: {reason}"), cancellationToken);
            Done = $"{who} is suspended until {end:yyyy-MM-dd HH:mm} UTC.";
        }
    }

    public async Task OnPostLiftAsync(int index, string? who, CancellationToken cancellationToken)
    {
        List<JsonObject> all = [.. lists.Suspensions];
        // The index is checked against who it names, so a list changed by someone else meanwhile never lifts the wrong one.
        if (index < 0 || index >= all.Count || ((string?)all[index]["user"] ?? (string?)all[index]["client"]) != who)
        {
            Fail("that suspension no longer exists");
            return;
        }

        if (Suspensions[index].From >= Now)
        {
            all.RemoveAt(index); // had not started: nothing to keep
        }
        else
        {
            all[index]["until"] = Now;
        }

        if (await ApplyAsync(all, "a suspension was lifted (who: in the audit trail)", cancellationToken))
        {
            await store.AppendAuditAsync(new AuditRecord(Now, User.Actor(), "suspension.lifted", "suspension/" + who, null), cancellationToken);
            Done = $"{who}'s suspension is lifted.";
        }
    }

    private async Task<bool> ApplyAsync(IEnumerable<JsonObject> all, string reason, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> errors = await lists.SetSuspensionsAsync(all, reason, cancellationToken);
        if (errors.Count > 0)
        {
            Fail(errors);
        }

        return errors.Count == 0;
    }
}
