using System.Collections.Concurrent;
using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FilterProxy.Events.Pipeline;

/// <summary>Sees every batch on the writer, before it is stored (the alert engine).</summary>
public interface IEventObserver
{
    void Observe(IReadOnlyList<FilterEvent> batch);
}

public sealed record EventPipelineOptions
{
    public required string NodeId { get; init; }
    public required string SpoolDirectory { get; init; }
    public int Capacity { get; init; } = 65_536;
    public int BatchSize { get; init; } = 4000;
    /// <summary>
    /// How often the writer looks at the queue. Draining on a timer instead of waking per event keeps an idle-ish
    /// gateway idle: a wake-up per event made the thread pool spin (≈ 68% of a core at 5k DNS queries/s, measured).
    /// </summary>
    public TimeSpan DrainInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>
    /// The longest an event waits for the writer: a look that finds less than <see cref="BatchSize"/> queued drains
    /// only when this long has passed since the last drain. Fewer, fuller store writes cost less per event — each
    /// write also rewrites the index pages it touches and commits (SQLite: a fifth of the writer's time was the
    /// kernel's write path). Measured, proxy A/B (benchmarks/load/proxy-ab.sh, 7 interleaved rounds, twice): what logging
    /// adds per request fell from 5.6 to 4.4 CPU µs (a drain every 200 ms of up to 4,000 against every 50 ms of up to
    /// 1,000), then from 6.7 to 5.0 µs with this rule. Alerts are raised as a batch is drained, so this is also their
    /// longest extra wait.
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>
    /// The largest batch, taken while more than two ordinary batches wait (the store is behind, or a burst came): SQLite
    /// commits a batch as one transaction, and each commit rewrites every index page it touches. With a large events
    /// file (10 million events, a 1 GB index) a commit of 4,000 events by 3,000 people cost as much per event as one of
    /// 1,000; one of 16,000 a third less (measured with the benchmark tool's `store` command, `BATCH=1000|4000|16000`:
    /// 12,510, 12,451 and 19,365 events/s). The writer catches up instead of falling further behind.
    /// </summary>
    public int MaxBatchSize { get; init; } = 16_000;
    /// <summary>A store write taking longer than this counts as failed: the batch goes to the spool (and is replayed, once, later).</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The event pipeline. The hot paths call <see cref="TryWrite"/>: a lock-free bounded queue, never a wait on
/// the store. One writer drains it in batches, names each event (node, sequence), shows each batch to the
/// observers (alerts), and stores it. When the store is down, slow, or behind (the queue past half full), batches
/// go to the spool file instead, and are replayed in order once the store answers again; while anything is
/// spooled, new batches queue behind it in the spool, so the store receives events in the order they happened.
/// </summary>
public sealed partial class EventPipeline : IEventSink, IDisposable
{
    private const int RecentCapacity = 512;
    private readonly ConcurrentQueue<FilterEvent> _queue = new();
    private readonly Queue<FilterEvent> _recent = new();
    private readonly IEventStore _store;
    private readonly EventSpool _spool;
    private readonly EventPipelineOptions _options;
    private readonly IReadOnlyList<IEventObserver> _observers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _batchPrefix;
    private long _seq;
    private long _batchNo;
    private int _depth;
    private long _queued, _dropped, _written, _spooled, _replayed, _duplicates, _blocked;
    private long _droppedReported, _spoolDropped;
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;
    private TimeSpan _retryDelay = TimeSpan.FromSeconds(1);
    private volatile bool _storeUp = true;
    private string? _lastError;

    public EventPipeline(IEventStore store, EventPipelineOptions options, IEnumerable<IEventObserver>? observers = null, TimeProvider? time = null, ILogger<EventPipeline>? logger = null)
    {
        _store = store;
        _options = options;
        _observers = [.. observers ?? []];
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<EventPipeline>.Instance;
        _spool = new EventSpool(options.SpoolDirectory);
        long start = _time.GetUtcNow().ToUnixTimeMilliseconds();
        // Unique across restarts: a node numbers at most 1,000 events per millisecond since it started.
        _seq = start * 1000;
        // Batch ids must never repeat (a store ignores a batch id it has seen): the start time, and a random part
        // in case the clock was set back.
        _batchPrefix = $"{options.NodeId}/{start}-{Random.Shared.Next():x8}/";
        if (_spool.HasPending)
        {
            Log.SpoolFound(_logger, _spool.PendingBytes, _spool.FilePath);
        }
    }

    public IEventStore Store => _store;
    public string NodeId => _options.NodeId;

    /// <summary>Accepted by <see cref="TryWrite"/>.</summary>
    public long Queued => Interlocked.Read(ref _queued);
    /// <summary>Written to the store directly.</summary>
    public long Written => Interlocked.Read(ref _written);
    /// <summary>Written to the spool file (store down, slow or behind).</summary>
    public long Spooled => Interlocked.Read(ref _spooled);
    /// <summary>Replayed from the spool into the store.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);
    /// <summary>Lost: the queue was full and the spool could not take more (disk full). Zero unless something is badly wrong.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>
    /// Events in batches the store already held when sent again (replayed after a write that timed out but had landed): still one
    /// copy each. Every batch is acknowledged once, directly or by replay, so <see cref="Written"/> + <see cref="Replayed"/> counts
    /// each event once; subtracting this would count those events nowhere.
    /// </summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Blocked => Interlocked.Read(ref _blocked);
    public int Depth => Volatile.Read(ref _depth);
    public long SpoolPendingBytes => _spool.PendingBytes;
    public bool StoreUp => _storeUp;
    public string? LastError => _lastError;

    /// <summary>The last events written (in memory only; for diagnostics and tests, never served unauthenticated).</summary>
    public IReadOnlyList<FilterEvent> Recent()
    {
        lock (_recent)
        {
            return [.. _recent];
        }
    }

    public bool TryWrite(FilterEvent filterEvent)
    {
        if (Interlocked.Increment(ref _depth) > _options.Capacity)
        {
            Interlocked.Decrement(ref _depth);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        _queue.Enqueue(filterEvent);
        Interlocked.Increment(ref _queued);
        return true;
    }

    /// <summary>Runs the writer until cancelled, then drains what is queued (to the store, or the spool).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.DrainInterval, _time);
        long drained = _time.GetTimestamp();
        while (true)
        {
            bool stopping = false;
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stopping = true;
            }

            if (!stopping && Volatile.Read(ref _depth) < _options.BatchSize && _time.GetElapsedTime(drained) < _options.MaxDelay)
            {
                continue; // not a full batch yet, and nothing has waited long
            }

            drained = _time.GetTimestamp();
            await PumpAsync(stopping).ConfigureAwait(false);
            if (stopping)
            {
                return;
            }
        }
    }

    /// <summary>Store writes in flight at once: the next batch is prepared and sent while the store works on the previous ones.</summary>
    private const int MaxInFlight = 4;

    /// <summary>One round of the writer: drain the queue in batches, then replay spooled batches while the store keeps up.</summary>
    public async Task PumpAsync(bool final = false)
    {
        int taken, size;
        var inFlight = new Queue<(SpoolBatch Record, Task<bool?> Write)>();
        do
        {
            List<FilterEvent> batch = Take(out taken, out size);
            if (taken == 0)
            {
                break;
            }

            var record = new SpoolBatch(_batchPrefix + (++_batchNo), batch);
            bool behind = Volatile.Read(ref _depth) > _options.Capacity / 2;
            if (!_spool.HasPending && !behind && (_time.GetUtcNow() >= _retryAt || final))
            {
                // Writes on one connection complete in the order sent; they are awaited (and, on failure, spooled) in that order.
                inFlight.Enqueue((record, TryStoreAsync(record)));
                while (inFlight.Count >= MaxInFlight)
                {
                    await CompleteOldestAsync(inFlight).ConfigureAwait(false);
                }
            }
            else
            {
                while (inFlight.Count > 0)
                {
                    await CompleteOldestAsync(inFlight).ConfigureAwait(false); // earlier batches first, to keep the order
                }

                Spool(record);
            }
        }
        while (taken == size);

        while (inFlight.Count > 0)
        {
            await CompleteOldestAsync(inFlight).ConfigureAwait(false);
        }

        SyncSpool();
        await ReplayAsync(final).ConfigureAwait(false);
        long dropped = Dropped - Interlocked.Read(ref _spoolDropped); // spool failures are reported where they happen
        if (dropped != _droppedReported)
        {
            // The hot path cannot log (it must not wait); the writer says it, loudly, once per round.
            Log.QueueFull(_logger, dropped - _droppedReported, dropped, _options.Capacity);
            _droppedReported = dropped;
        }
    }

    private void SyncSpool()
    {
        try
        {
            _spool.Sync();
        }
        catch (IOException ex)
        {
            _lastError = $"spool sync failed: {ex.Message}";
            Log.SpoolFull(_logger, ex, 0, _spool.FilePath);
        }
    }

    private async Task CompleteOldestAsync(Queue<(SpoolBatch Record, Task<bool?> Write)> inFlight)
    {
        (SpoolBatch record, Task<bool?> write) = inFlight.Dequeue();
        if (await write.ConfigureAwait(false) is { } stored)
        {
            Interlocked.Add(ref _written, record.Events.Count);
            if (!stored)
            {
                Interlocked.Add(ref _duplicates, record.Events.Count);
            }
        }
        else
        {
            Spool(record);
        }
    }

    private List<FilterEvent> Take(out int taken, out int size)
    {
        int depth = Volatile.Read(ref _depth);
        size = depth > 2 * _options.BatchSize ? Math.Max(_options.MaxBatchSize, _options.BatchSize) : _options.BatchSize;
        var batch = new List<FilterEvent>(Math.Min(size, Math.Max(depth, 1)));
        while (batch.Count < size && _queue.TryDequeue(out FilterEvent? e))
        {
            Interlocked.Decrement(ref _depth);
            e.Stamp(_options.NodeId, ++_seq);
            batch.Add(e);
        }

        taken = batch.Count;
        if (taken > 0)
        {
            foreach (IEventObserver observer in _observers)
            {
                try
                {
                    observer.Observe(batch);
                }
                catch (Exception ex)
                {
                    Log.ObserverFailed(_logger, ex, observer.GetType().Name);
                }
            }

            lock (_recent)
            {
                foreach (FilterEvent e in batch)
                {
                    if (_recent.Count == RecentCapacity)
                    {
                        _recent.Dequeue();
                    }

                    _recent.Enqueue(e);
                    if (e.IsBlocked)
                    {
                        _blocked++;
                    }
                }
            }
        }

        return batch;
    }

    private void Spool(SpoolBatch record)
    {
        try
        {
            _spool.Append(record);
            Interlocked.Add(ref _spooled, record.Events.Count);
        }
        catch (IOException ex)
        {
            Interlocked.Add(ref _dropped, record.Events.Count);
            Interlocked.Add(ref _spoolDropped, record.Events.Count);
            _lastError = $"spool write failed: {ex.Message}";
            Log.SpoolFull(_logger, ex, record.Events.Count, _spool.FilePath);
        }
    }

    /// <summary>True: stored; false: the store already had it; null: failed (store marked down).</summary>
    private async Task<bool?> TryStoreAsync(SpoolBatch record)
    {
        try
        {
            bool stored = await _store.AppendAsync(new EventBatch(record.Id, record.Events), CancellationToken.None)
                .WaitAsync(_options.WriteTimeout, _time).ConfigureAwait(false);
            if (!_storeUp)
            {
                Log.StoreBack(_logger, _store.Description);
            }

            _storeUp = true;
            _retryDelay = TimeSpan.FromSeconds(1);
            return stored;
        }
        catch (Exception ex)
        {
            if (_storeUp)
            {
                Log.StoreDown(_logger, ex, _store.Description);
            }

            _storeUp = false;
            _lastError = $"store write failed: {ex.GetType().Name}: {ex.Message}";
            _retryAt = _time.GetUtcNow() + _retryDelay;
            _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            return null;
        }
    }

    private async Task ReplayAsync(bool final)
    {
        // While anything is spooled, new batches queue behind it in the spool: replaying is draining. Up to 50 batches
        // a round, several in flight at once (as for direct writes), each advanced past only once it is stored.
        // Bounded by count and by time, and paused while live events pile up, so the queue never fills behind a replay.
        int budget = 50;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Checked before every write, not once per round: a store that writes synchronously (SQLite) holds this thread
        // for the whole write, and four large batches back to back into a big events file let the queue overflow
        // behind them (measured: 1,034 events dropped at 25,000/s offered into a 10-million-event file).
        bool MayWrite() => final || (Volatile.Read(ref _depth) < _options.Capacity / 4 && System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(250));
        while (budget > 0 && _spool.HasPending && (_time.GetUtcNow() >= _retryAt || final) && MayWrite())
        {
            var inFlight = new Queue<(SpoolBatch Batch, long Next, Task<bool?> Write)>();
            long offset = -1;
            for (int i = 0; i < MaxInFlight && budget > 0 && (i == 0 || MayWrite()); i++, budget--)
            {
                (SpoolBatch Batch, long Next)? next = offset < 0 ? _spool.Peek() : _spool.PeekAt(offset);
                if (next is not { } n)
                {
                    if (_spool.LastCorruption is { } corruption)
                    {
                        Log.SpoolCorrupt(_logger, corruption);
                    }

                    break;
                }

                inFlight.Enqueue((n.Batch, n.Next, TryStoreAsync(n.Batch)));
                offset = n.Next;
            }

            if (inFlight.Count == 0)
            {
                return;
            }

            while (inFlight.Count > 0)
            {
                (SpoolBatch batch, long nextOffset, Task<bool?> write) = inFlight.Dequeue();
                if (await write.ConfigureAwait(false) is not { } stored)
                {
                    // Later ones may have landed; replaying them again is harmless (the store ignores a batch id it has).
                    await Task.WhenAll(inFlight.Select(static f => f.Write)).ConfigureAwait(false);
                    return;
                }

                _spool.Advance(nextOffset);
                Interlocked.Add(ref _replayed, batch.Events.Count);
                if (!stored)
                {
                    Interlocked.Add(ref _duplicates, batch.Events.Count);
                }
            }

            if (!_spool.HasPending)
            {
                Log.SpoolReplayed(_logger, _store.Description);
            }
        }
    }

    public void Dispose() => _spool.Dispose();

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Event store {Store} is not answering; events go to the spool and are replayed when it is back")]
        public static partial void StoreDown(ILogger logger, Exception exception, string store);

        [LoggerMessage(61, LogLevel.Information, "Event store {Store} is answering again")]
        public static partial void StoreBack(ILogger logger, string store);

        [LoggerMessage(62, LogLevel.Critical, "EVENTS LOST: {Count} events could not be spooled to {Path} (disk full?). Free space now; safeguarding records are being dropped.")]
        public static partial void SpoolFull(ILogger logger, Exception exception, int count, string path);

        [LoggerMessage(63, LogLevel.Information, "Spool replayed into {Store}; writing directly again")]
        public static partial void SpoolReplayed(ILogger logger, string store);

        [LoggerMessage(64, LogLevel.Error, "Spool record unreadable, cut off: {Detail}")]
        public static partial void SpoolCorrupt(ILogger logger, string detail);

        [LoggerMessage(65, LogLevel.Warning, "{Spool} bytes of spooled events from an earlier run found at {Path}; replaying them")]
        public static partial void SpoolFound(ILogger logger, long spool, string path);

        [LoggerMessage(67, LogLevel.Critical, "EVENTS LOST: {Count} events dropped because the queue was full ({Total} in all; capacity {Capacity}). The writer cannot keep up: check the store and the spool disk.")]
        public static partial void QueueFull(ILogger logger, long count, long total, int capacity);

        [LoggerMessage(66, LogLevel.Error, "Event observer {Observer} failed on a batch")]
        public static partial void ObserverFailed(ILogger logger, Exception exception, string observer);
    }
}
