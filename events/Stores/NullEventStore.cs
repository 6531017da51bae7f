using System.Runtime.CompilerServices;
using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;

namespace FilterProxy.Events.Stores;

/// <summary>
/// events.store = none: records nothing. For measuring what logging costs (benchmarks/load/proxy-ab.sh), never
/// for a school: the banner and the log say so loudly. Alerts are still raised and sent; they are not kept.
/// </summary>
public sealed class NullEventStore : IEventStore
{
    private AuditEntry? _last;

    public string Description => "none (NOTHING IS RECORDED: for measurements only)";

    public Task<bool> AppendAsync(EventBatch batch, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<IReadOnlyList<FilterEvent>> QueryAsync(EventQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<FilterEvent>>([]);

    public Task<IReadOnlyList<DayCount>> CountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DayCount>>([]);

    public Task SaveAlertAsync(Alert alert, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Alert?> GetAlertAsync(string id, CancellationToken cancellationToken) => Task.FromResult<Alert?>(null);

    public Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Alert>>([]);

    public Task<AuditEntry> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken) => Task.FromResult(_last = AuditChain.Next(_last, record));

    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task<RetentionResult> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(new RetentionResult(0, 0));

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
