namespace FilterProxy.Core.Events;

public enum AlertSeverity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

public enum AlertStatus
{
    New,
    Acknowledged,
    Resolved,
}

/// <summary>One step in an alert's chronology: raised, repeated, escalated, acknowledged, resolved, note.</summary>
public sealed record AlertAction(DateTimeOffset Time, string Actor, string Action, string? Note = null);

/// <summary>
/// Something the DSL should look at: which rule, about whom, how serious, the event that raised it,
/// how many more it has folded in since (throttling), and what has been done about it.
/// </summary>
public sealed record Alert
{
    public required string Id { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public required AlertSeverity Severity { get; init; }
    public AlertStatus Status { get; init; } = AlertStatus.New;
    /// <summary>The rule that raised it: category:self-harm, search-risk, keyword:…, repeated-blocks, circumvention.</summary>
    public required string Rule { get; init; }
    public required string Title { get; init; }
    public string? Theme { get; init; }
    /// <summary>Who it is about: the user, else the device, else the client address.</summary>
    public required string Subject { get; init; }
    public string? User { get; init; }
    public string? Device { get; init; }
    public string? ClientIp { get; init; }
    public string? Node { get; init; }
    /// <summary>Matching events folded into this alert (1 when raised).</summary>
    public int Count { get; init; } = 1;
    public required FilterEvent Trigger { get; init; }
    public IReadOnlyList<AlertAction> History { get; init; } = [];

    public static string SeverityName(AlertSeverity severity) => severity.ToString().ToLowerInvariant();

    public static string StatusName(AlertStatus status) => status.ToString().ToLowerInvariant();
}

public sealed record AlertQuery
{
    public AlertStatus? Status { get; init; }
    public AlertSeverity? MinSeverity { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? Since { get; init; }
    public int Limit { get; init; } = 100;

    public bool Matches(Alert a) =>
        (Status is null || a.Status == Status)
        && (MinSeverity is null || a.Severity >= MinSeverity)
        && (Subject is null || a.Subject == Subject)
        && (Since is null || a.Created >= Since);
}
