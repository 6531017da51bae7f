namespace FilterProxy.Core.Policy;

public enum ExceptionState : byte
{
    /// <summary>Asked for, not yet approved: never applies.</summary>
    Pending,
    /// <summary>Approved, starts later.</summary>
    Scheduled,
    Active,
    /// <summary>Past its end: lapsed by itself.</summary>
    Lapsed,
}

/// <summary>
/// Pre-planned, time-boxed access to an otherwise blocked site for a class (a client group) or a
/// profile, asked for by one person and approved by another. Never unblocks sealed categories.
/// </summary>
public sealed class CurriculumException
{
    public required string Id { get; init; }
    public string? Profile { get; init; }
    public string? Group { get; init; }
    public required string Target { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset End { get; init; }
    /// <summary>The account that recorded the request; the approver must be another account.</summary>
    public required string RequestedBy { get; init; }
    /// <summary>The teacher it is for (free text).</summary>
    public string? Teacher { get; init; }
    public string? ApprovedBy { get; init; }
    public required string Reason { get; init; }
    public required PolicyRule Rule { get; init; }

    public ExceptionState StateAt(DateTimeOffset now) =>
        ApprovedBy is null ? ExceptionState.Pending
        : now < Start ? ExceptionState.Scheduled
        : now >= End ? ExceptionState.Lapsed
        : ExceptionState.Active;

    public bool AppliesTo(Profile profile, ClientGroup? group, DateTimeOffset now) =>
        StateAt(now) == ExceptionState.Active
        && (Profile is null || string.Equals(Profile, profile.Name, StringComparison.OrdinalIgnoreCase))
        && (Group is null || (group is not null && string.Equals(Group, group.Name, StringComparison.OrdinalIgnoreCase)));
}
