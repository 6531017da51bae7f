using System.Runtime.CompilerServices;
using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;

namespace FilterProxy.Events.Tests.Pipeline;

/// <summary>A store in memory that can be told to fail, or to fail after committing (an uncertain write).</summary>
internal sealed class MemoryStore : IEventStore
{
    private readonly HashSet<string> _batches = [];
    private readonly List<AuditEntry> _audit = [];
    private readonly Dictionary<string, Alert> _alerts = [];

    public List<FilterEvent> Events { get; } = [];
    public bool Down { get; set; }
    /// <summary>Commit the next batch, then throw as if the answer was lost.</summary>
    public bool LoseNextAnswer { get; set; }
    public int Calls { get; private set; }
    /// <summary>The size of each batch stored, in order.</summary>
    public List<int> BatchSizes { get; } = [];
    /// <summary>Runs inside each append, as traffic that goes on while a synchronous store (SQLite) holds the writer.</summary>
    public Action? DuringWrite { get; set; }

    public string Description => "memory";

    public Task<bool> AppendAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        lock (this)
        {
            Calls++;
            DuringWrite?.Invoke();
            if (Down)
            {
                throw new IOException("store is down");
            }

            bool added = _batches.Add(batch.Id);
            if (added)
            {
                Events.AddRange(batch.Events);
                BatchSizes.Add(batch.Events.Count);
            }

            if (LoseNextAnswer)
            {
                LoseNextAnswer = false;
                throw new TimeoutException("answer lost");
            }

            return Task.FromResult(added);
        }
    }

    public Task<IReadOnlyList<FilterEvent>> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        lock (this)
        {
            return Task.FromResult<IReadOnlyList<FilterEvent>>([.. Events.Where(query.Matches).OrderByDescending(static e => e.Time).Take(query.Limit)]);
        }
    }

    public Task<IReadOnlyList<DayCount>> CountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DayCount>>([]);

    public Task SaveAlertAsync(Alert alert, CancellationToken cancellationToken)
    {
        lock (this)
        {
            if (Down)
            {
                throw new IOException("store is down");
            }

            _alerts[alert.Id] = alert;
            return Task.CompletedTask;
        }
    }

    public Task<Alert?> GetAlertAsync(string id, CancellationToken cancellationToken)
    {
        lock (this)
        {
            return Task.FromResult(_alerts.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        lock (this)
        {
            return Task.FromResult<IReadOnlyList<Alert>>([.. _alerts.Values.Where(query.Matches).OrderByDescending(static a => a.Created).Take(query.Limit)]);
        }
    }

    public Task<AuditEntry> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        lock (this)
        {
            AuditEntry e = AuditChain.Next(_audit.LastOrDefault(), record);
            _audit.Add(e);
            return Task.FromResult(e);
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (AuditEntry e in _audit.ToArray())
        {
            yield return e;
        }
    }

    public Task<RetentionResult> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(new RetentionResult(0, 0));

    public Task PingAsync(CancellationToken cancellationToken) => Down ? Task.FromException(new IOException("down")) : Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
