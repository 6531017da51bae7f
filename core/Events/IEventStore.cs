namespace FilterProxy.Core.Events;

/// <summary>
/// Where events, alerts and the audit trail are kept: embedded SQLite by default, Redis in production and
/// across sites. Both pass one contract test suite. Writes come from the event pipeline's single writer;
/// reads from the admin UI, the command line and the API.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>A short description for the banner and health (never includes a password).</summary>
    string Description { get; }

    /// <summary>Stores the batch atomically; a batch id already stored is ignored (returns false).</summary>
    Task<bool> AppendAsync(EventBatch batch, CancellationToken cancellationToken);

    Task<IReadOnlyList<FilterEvent>> QueryAsync(EventQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<DayCount>> CountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces an alert (the whole record, history included).</summary>
    Task SaveAlertAsync(Alert alert, CancellationToken cancellationToken);

    Task<Alert?> GetAlertAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken);

    /// <summary>Places the record at the end of the hash chain and returns it as stored.</summary>
    Task<AuditEntry> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>The whole trail in order.</summary>
    IAsyncEnumerable<AuditEntry> ReadAuditAsync(CancellationToken cancellationToken);

    /// <summary>Deletes what is older than the retention allows; returns how many events and alerts went.</summary>
    Task<RetentionResult> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>How long each kind of record is kept (UK GDPR: no longer than needed).</summary>
public sealed record RetentionPolicy(TimeSpan Allowed, TimeSpan Blocked, TimeSpan Alerts)
{
    public static RetentionPolicy Default { get; } = new(TimeSpan.FromDays(90), TimeSpan.FromDays(365), TimeSpan.FromDays(730));
}

public sealed record RetentionResult(long Events, long Alerts);
