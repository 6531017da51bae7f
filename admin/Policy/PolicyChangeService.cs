using System.Text.Json.Nodes;
using FilterProxy.Admin.Shared;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;

namespace FilterProxy.Admin.Policy;

/// <summary>
/// Proposing, approving and rejecting policy changes. With approval required (the default), a change waits until a
/// senior leader other than its author approves it; without, it applies at once. Every step lands in the audit trail
/// with the readable difference. Pending changes are kept in <c>&lt;data&gt;/admin/changes.json</c>.
/// </summary>
public sealed class PolicyChangeService(AdminOptions options, IPolicyAdmin policy, IEventStore store, TimeProvider time, Func<string, string?>? currentList = null)
{
    private readonly JsonFileStore<ChangesDocument> _file = new(Path.Combine(options.Directory, "changes.json"), static () => new ChangesDocument([]));

    public bool RequireApproval => _file.Value.RequireApproval;

    public IReadOnlyList<PolicyChange> All => _file.Value.Changes;

    public PolicyChange? Find(string id) => _file.Value.Changes.FirstOrDefault(c => c.Id == id);

    public sealed record Outcome(PolicyChange? Change, IReadOnlyList<string> Errors);

    public async Task<Outcome> ProposeAsync(string target, JsonObject patch, IReadOnlyList<string> diff, string actor, string? reason, CancellationToken cancellationToken, string? baseline = null)
    {
        if (diff.Count == 0)
        {
            return new Outcome(null, ["nothing was changed"]);
        }

        string patchJson = patch.ToJsonString();
        IReadOnlyList<ConfigError> errors = policy.Validate(Merged(patchJson));
        if (errors.Count > 0)
        {
            return new Outcome(null, [.. errors.Select(static e => e.ToString())]);
        }

        var change = new PolicyChange
        {
            Id = $"chg-{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}",
            Target = target,
            Patch = patchJson,
            Diff = diff,
            ProposedBy = actor,
            Proposed = time.GetUtcNow(),
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            Baseline = baseline,
        };
        await _file.UpdateAsync(doc => (doc with { Changes = [.. doc.Changes, change] }, 0), cancellationToken).ConfigureAwait(false);
        await AuditAsync(actor, "policy.change.proposed", change, change.Reason, cancellationToken).ConfigureAwait(false);
        return RequireApproval ? new Outcome(change, []) : await DecideAsync(change.Id, actor, approve: true, "applied without approval (approval is not required)", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Approves (applies) or rejects a pending change. The author cannot approve their own change while approval is required.</summary>
    public async Task<Outcome> DecideAsync(string id, string actor, bool approve, string? note, CancellationToken cancellationToken)
    {
        PolicyChange? change = Find(id);
        if (change is null)
        {
            return new Outcome(null, [$"there is no change {id}"]);
        }

        if (change.Status != ChangeStatus.Pending)
        {
            return new Outcome(change, [$"change {id} was already {change.Status.ToString().ToLowerInvariant()}"]);
        }

        if (approve && RequireApproval && change.ProposedBy == actor)
        {
            return new Outcome(change, ["a change needs a second person's approval: someone other than its author must approve it"]);
        }

        if (approve && change.Baseline is not null && currentList?.Invoke(change.Target) is { } now && now != change.Baseline)
        {
            return new Outcome(change, [$"the {change.Target} have changed since this change was proposed, so approving it would undo that: reject it and propose it again"]);
        }

        if (approve)
        {
            IReadOnlyList<ConfigError> errors = await policy.ApplyAsync(Merged(change.Patch), $"change {id} approved by {actor}", cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                return new Outcome(change, [.. errors.Select(static e => e.ToString())]);
            }
        }

        PolicyChange decided = change with
        {
            Status = approve ? ChangeStatus.Applied : ChangeStatus.Rejected,
            DecidedBy = actor,
            Decided = time.GetUtcNow(),
            DecisionNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
        };
        await _file.UpdateAsync(doc => (doc with { Changes = [.. doc.Changes.Select(c => c.Id == id ? decided : c)] }, 0), cancellationToken).ConfigureAwait(false);
        await AuditAsync(actor, approve ? "policy.change.approved" : "policy.change.rejected", decided, decided.DecisionNote, cancellationToken).ConfigureAwait(false);
        return new Outcome(decided, []);
    }

    public async Task SetRequireApprovalAsync(bool require, string actor, CancellationToken cancellationToken)
    {
        await _file.UpdateAsync(doc => (doc with { RequireApproval = require }, 0), cancellationToken).ConfigureAwait(false);
        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), actor, "policy.approval-setting", "admin/settings",
            require ? "policy changes need a second person's approval" : "policy changes apply without approval"), cancellationToken).ConfigureAwait(false);
    }

    private string Merged(string patchJson)
    {
        JsonObject current = policy.Overlay is { } o && JsonNode.Parse(o) is JsonObject existing ? existing : [];
        ConfigLoader.Merge(current, (JsonObject)JsonNode.Parse(patchJson)!);
        return current.ToJsonString();
    }

    private Task AuditAsync(string actor, string action, PolicyChange change, string? note, CancellationToken cancellationToken) =>
        store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), actor, action, change.Target,
            $"{change.Id}: {string.Join("; ", change.Diff)}{(note is null ? "" : $" — note: {note}")}"), cancellationToken);
}
