namespace FilterProxy.Admin.Policy;

public enum ChangeStatus
{
    Pending,
    Applied,
    Rejected,
}

/// <summary>
/// A proposed policy edit: what it changes (<see cref="Patch"/>, merged over the current edits when it is applied, so
/// changes approved in another order do not undo each other), the readable difference, who asked and who decided.
/// </summary>
public sealed record PolicyChange
{
    public required string Id { get; init; }
    public required string Target { get; init; }
    public required string Patch { get; init; }
    public required IReadOnlyList<string> Diff { get; init; }
    public required string ProposedBy { get; init; }
    public required DateTimeOffset Proposed { get; init; }
    public string? Reason { get; init; }
    /// <summary>For a change that replaces a whole list (schedules): that list as it was when proposed; approval is refused if it has changed since.</summary>
    public string? Baseline { get; init; }
    public ChangeStatus Status { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? Decided { get; init; }
    public string? DecisionNote { get; init; }
}

public sealed record ChangesDocument(IReadOnlyList<PolicyChange> Changes, bool RequireApproval = true);
