namespace FilterProxy.Core.Events;

/// <summary>What to read from the event store: newest first, every filter optional.</summary>
public sealed record EventQuery
{
    public const int MaxLimit = 10_000;

    public string? User { get; init; }
    public string? Device { get; init; }
    public string? ClientIp { get; init; }
    public EventKind? Kind { get; init; }
    public bool? Blocked { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public int Limit { get; init; } = 100;

    public bool Matches(FilterEvent e) =>
        (User is null || e.User == User)
        && (Device is null || e.Device == Device)
        && (ClientIp is null || e.ClientIp == ClientIp)
        && (Kind is null || e.Kind == Kind)
        && (Blocked is null || e.IsBlocked == Blocked)
        && (Since is null || e.Time >= Since)
        && (Until is null || e.Time < Until);
}

/// <summary>Events per day, kind and verdict (for reports and the dashboard).</summary>
public sealed record DayCount(DateOnly Day, string Kind, string Verdict, long Count);

/// <summary>
/// A batch as the pipeline hands it to a store. The id makes the write idempotent: a store that already
/// holds a batch with this id ignores it, so a batch replayed from the spool after an uncertain write
/// (a timeout after the store had in fact committed it) is stored exactly once.
/// </summary>
public sealed record EventBatch(string Id, IReadOnlyList<FilterEvent> Events);
