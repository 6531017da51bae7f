using System.Globalization;
using System.Text.Json.Nodes;
using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>Curriculum exceptions: a technician records the request; a senior leader who did not ask approves it.</summary>
[Authorize(Roles = AdminRoles.Technician + "," + AdminRoles.SeniorLeader)]
public sealed class ExceptionsModel(PolicyLists lists, PolicyEvaluator evaluator, IEventStore store, TimeProvider time) : FormPageModel
{
    public DateTimeOffset Now { get; } = time.GetUtcNow();
    public IReadOnlyList<CurriculumException> Exceptions => evaluator.Snapshot.Exceptions;
    public IEnumerable<string> Groups => evaluator.Snapshot.Groups.Select(static g => g.Name);
    public IEnumerable<string> Profiles => evaluator.Snapshot.Profiles.Select(static p => p.Name);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAskAsync(string? target, string? scope, string? start, string? end, string? reason, string? teacher, CancellationToken cancellationToken)
    {
        if (!await MayAsync(AdminPolicies.Technician))
        {
            return Forbid();
        }

        if (!TryTime(start, out DateTimeOffset from) || !TryTime(end, out DateTimeOffset until) || scope?.Split(':', 2) is not [var kind and ("group" or "profile"), var name])
        {
            return Failed("give the site, who it is for, and a start and end time");
        }

        string id = $"exc-{Now:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..4]}";
        // The requester is the signed-in account, never a name typed into the form: the approver is compared with it.
        string requester = User.Identity!.Name!;
        var request = new JsonObject
        {
            ["id"] = id,
            [kind] = name,
            ["target"] = target?.Trim(),
            ["start"] = from,
            ["end"] = until,
            ["requestedBy"] = requester,
            ["teacher"] = string.IsNullOrWhiteSpace(teacher) ? null : teacher.Trim(),
            ["reason"] = reason?.Trim(),
        };
        IReadOnlyList<string> errors = await lists.SetExceptionsAsync([.. lists.Exceptions, request], $"exception {id} asked for", cancellationToken);
        if (errors.Count > 0)
        {
            return Failed(errors);
        }

        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), User.Actor(), "exception.requested", "exception/" + id,
            $"{target} for {kind} {name}, {from:yyyy-MM-dd HH:mm}–{until:yyyy-MM-dd HH:mm} UTC, asked by {requester}{(string.IsNullOrWhiteSpace(teacher) ? "" : $" for {teacher.Trim()}")}: {reason}"), cancellationToken);
        Done = $"Exception {id} recorded; it applies once a senior leader approves it.";
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(string id, CancellationToken cancellationToken)
    {
        if (!await MayAsync(AdminPolicies.Approver))
        {
            return Forbid();
        }

        if (evaluator.Snapshot.Exceptions.FirstOrDefault(x => x.Id == id) is not { ApprovedBy: null } pending)
        {
            return Failed($"there is no exception {id} waiting for approval");
        }

        string approver = User.Identity!.Name!;
        if (string.Equals(approver, pending.RequestedBy, StringComparison.OrdinalIgnoreCase))
        {
            return Failed("an exception must be approved by someone other than the account that asked for it");
        }

        IReadOnlyList<string> errors = await lists.SetExceptionsAsync(
            lists.Exceptions.Select(x => (string?)x["id"] == id ? Approved(x, approver) : x), $"exception {id} approved", cancellationToken);
        if (errors.Count > 0)
        {
            return Failed(errors);
        }

        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), User.Actor(), "exception.approved", "exception/" + id, $"{pending.Target} asked by {pending.RequestedBy}: {pending.Reason}"), cancellationToken);
        Done = $"Exception {id} approved.";
        return Page();
    }

    private static JsonObject Approved(JsonObject x, string approver)
    {
        x["approvedBy"] = approver;
        return x;
    }

    private static bool TryTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private IActionResult Failed(string error) => Failed([error]);

    private IActionResult Failed(IEnumerable<string> errors)
    {
        Fail(errors);
        return Page();
    }
}
