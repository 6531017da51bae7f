using System.Threading.Channels;
using FilterProxy.Core.Events;
using FilterProxy.Events.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FilterProxy.Events.Alerts;

public sealed record AlertServiceOptions
{
    /// <summary>Delivery attempts per notifier per alert before giving up (logged, counted).</summary>
    public int Attempts { get; init; } = 5;
    /// <summary>The first retry delay; doubles each attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan SaveInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Publish to the local live feed directly (false when a Redis channel brings every node's alerts to it).</summary>
    public bool PublishLocally { get; init; } = true;
    /// <summary>Alerts of one rule sent to people one by one per <see cref="NotifyWindow"/>; the rest go as one summary (<see cref="NotificationBudget"/>).</summary>
    public int NotifyBurst { get; init; } = 10;
    public TimeSpan NotifyWindow { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Keeps alerts and tells people: saves what the engine raised (coalesced per alert, retried while the store is
/// down), sends new and escalated alerts to each notifier at or above its severity (retried with back-off, each
/// notifier on its own so a slow webhook never delays the e-mail; past <see cref="AlertServiceOptions.NotifyBurst"/> alerts of
/// one rule in a window, the rest go as one summary at its end), and carries the lifecycle a person drives —
/// new → acknowledged → resolved, notes at any time — into the store, the audit trail and the live feed.
/// </summary>
public sealed partial class AlertService
{
    private readonly IEventStore _store;
    private readonly IReadOnlyList<INotifier> _notifiers;
    private readonly AlertFeed _feed;
    private readonly AlertServiceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Alert> _unsaved = new(StringComparer.Ordinal);
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NotificationBudget _budget;
    private readonly Lock _gate = new();
    private long _raised, _delivered, _failed, _summarised;
    private readonly long[] _raisedBySeverity = new long[Enum.GetValues<AlertSeverity>().Length];

    public AlertService(IEventStore store, IEnumerable<INotifier> notifiers, AlertFeed feed, AlertServiceOptions? options = null, TimeProvider? time = null, ILogger<AlertService>? logger = null)
    {
        _store = store;
        _notifiers = [.. notifiers];
        _feed = feed;
        _options = options ?? new AlertServiceOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<AlertService>.Instance;
        _budget = new NotificationBudget(_options.NotifyBurst, _options.NotifyWindow);
    }

    /// <summary>Set once the engine exists (it calls <see cref="OnChange"/>; lifecycle changes go back to it).</summary>
    public AlertEngine? Engine { get; set; }

    public long Raised => Interlocked.Read(ref _raised);

    /// <summary>Alerts raised at this severity since start (for metrics).</summary>
    public long RaisedAt(AlertSeverity severity) => Interlocked.Read(ref _raisedBySeverity[(int)severity]);
    public long Delivered => Interlocked.Read(ref _delivered);
    public long DeliveryFailures => Interlocked.Read(ref _failed);
    /// <summary>Alerts whose message went out in a summary instead of on its own.</summary>
    public long Summarised => Interlocked.Read(ref _summarised);
    public IReadOnlyList<INotifier> Notifiers => _notifiers;

    public int Unsaved
    {
        get
        {
            lock (_gate)
            {
                return _unsaved.Count;
            }
        }
    }

    /// <summary>Called by the engine on the pipeline's writer: never blocks.</summary>
    public void OnChange(AlertChange change)
    {
        lock (_gate)
        {
            _unsaved[change.Alert.Id] = change.Alert;
        }

        if (change.Kind is AlertChangeKind.Raised or AlertChangeKind.Escalated)
        {
            if (change.Kind == AlertChangeKind.Raised)
            {
                Interlocked.Increment(ref _raised);
                Interlocked.Increment(ref _raisedBySeverity[(int)change.Alert.Severity]);
            }

            _outbox.Writer.TryWrite(new Outgoing(change.Alert, Summary: false));
            if (_options.PublishLocally)
            {
                _feed.Publish(change.Alert);
            }
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        Task sender = SendLoopAsync(stoppingToken);
        using var timer = new PeriodicTimer(_options.SaveInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SaveAsync(stoppingToken).ConfigureAwait(false);
                QueueSummaries();
            }
        }
        catch (OperationCanceledException)
        {
        }

        await SaveAsync(CancellationToken.None).ConfigureAwait(false);
        _outbox.Writer.TryComplete(); // the send loop sends what is still held as summaries once it has sent the rest
        await sender.ConfigureAwait(false);
    }

    /// <summary>Saves every alert changed since the last save; what the store refuses stays for the next round.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        Alert[] pending;
        lock (_gate)
        {
            pending = [.. _unsaved.Values];
        }

        foreach (Alert alert in pending)
        {
            try
            {
                await _store.SaveAlertAsync(alert, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    if (ReferenceEquals(_unsaved.GetValueOrDefault(alert.Id), alert))
                    {
                        _unsaved.Remove(alert.Id);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SaveFailed(_logger, ex, pending.Length);
                return;
            }
        }
    }

    /// <summary>Queues the summaries of notification windows that have ended (behind the alerts already queued).</summary>
    private void QueueSummaries()
    {
        foreach (Alert summary in DueSummaries(all: false))
        {
            _outbox.Writer.TryWrite(new Outgoing(summary, Summary: true));
        }
    }

    private List<Alert> DueSummaries(bool all)
    {
        List<Alert> due;
        lock (_budget)
        {
            due = _budget.Due(_time.GetUtcNow(), all);
        }

        Interlocked.Add(ref _summarised, due.Sum(static a => (long)a.Count));
        return due;
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        var inFlight = new List<Task>();
        await foreach ((Alert alert, bool summary) in _outbox.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            Dispatch(alert, summary, inFlight, stoppingToken);
        }

        foreach (Alert summary in DueSummaries(all: true)) // stopping: what is held goes now, after every alert queued before
        {
            Dispatch(summary, summary: true, inFlight, stoppingToken);
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private void Dispatch(Alert alert, bool summary, List<Task> inFlight, CancellationToken stoppingToken)
    {
        // Other nodes' live feeds (the Redis channel) get every alert and no summary; people get what the budget allows.
        bool forPeople = summary || !_notifiers.Any(n => n is not RedisAlertChannel && alert.Severity >= n.MinSeverity) || TakeBudget(alert);
        foreach (INotifier notifier in _notifiers)
        {
            if (alert.Severity >= notifier.MinSeverity && (notifier is RedisAlertChannel ? !summary : forPeople))
            {
                inFlight.Add(DeliverAsync(notifier, alert, stoppingToken));
            }
        }

        inFlight.RemoveAll(static t => t.IsCompleted);
    }

    private bool TakeBudget(Alert alert)
    {
        lock (_budget)
        {
            return _budget.TryTake(alert, _time.GetUtcNow());
        }
    }

    private async Task DeliverAsync(INotifier notifier, Alert alert, CancellationToken stoppingToken)
    {
        TimeSpan delay = _options.RetryDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await notifier.SendAsync(alert, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                Interlocked.Increment(ref _delivered);
                return;
            }
            catch (Exception ex)
            {
                if (attempt >= _options.Attempts || stoppingToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failed);
                    Log.DeliveryFailed(_logger, ex, alert.Id, notifier.Name, attempt);
                    return;
                }

                Log.DeliveryRetry(_logger, alert.Id, notifier.Name, attempt, ex.Message);
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            delay *= 2;
        }
    }

    /// <summary>An alert as it is now, including one raised a moment ago and not yet saved (the live feed shows it at once).</summary>
    public async Task<Alert?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_unsaved.TryGetValue(id, out Alert? pending))
            {
                return pending;
            }
        }

        return await _store.GetAlertAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public Task<Alert> AcknowledgeAsync(string id, string actor, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, actor, "acknowledged", note, AlertStatus.Acknowledged, cancellationToken);

    public Task<Alert> ResolveAsync(string id, string actor, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, actor, "resolved", note, AlertStatus.Resolved, cancellationToken);

    public Task<Alert> AddNoteAsync(string id, string actor, string note, CancellationToken cancellationToken) =>
        ActAsync(id, actor, "note", note, null, cancellationToken);

    private async Task<Alert> ActAsync(string id, string actor, string action, string? note, AlertStatus? to, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(actor))
        {
            throw new AlertActionException("who is acting must be known (actor)");
        }

        if (note is { Length: > 4000 })
        {
            throw new AlertActionException("the note is longer than 4,000 characters");
        }

        await SaveAsync(cancellationToken).ConfigureAwait(false);
        Alert alert = Engine?.OpenCopy(id) ?? await _store.GetAlertAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new AlertActionException($"there is no alert {id}", notFound: true);
        if (to is { } status)
        {
            if (alert.Status == AlertStatus.Resolved)
            {
                throw new AlertActionException($"alert {id} is already resolved");
            }

            if (status == AlertStatus.Acknowledged && alert.Status == AlertStatus.Acknowledged)
            {
                throw new AlertActionException($"alert {id} is already acknowledged");
            }
        }
        else if (string.IsNullOrWhiteSpace(note))
        {
            throw new AlertActionException("a note needs text");
        }

        DateTimeOffset now = _time.GetUtcNow();
        Alert updated = alert with
        {
            Status = to ?? alert.Status,
            Updated = now,
            History = [.. alert.History, new AlertAction(now, actor, action, note)],
        };
        await _store.SaveAlertAsync(updated, cancellationToken).ConfigureAwait(false);
        await _store.AppendAuditAsync(new AuditRecord(now, actor, "alert." + action, "alert/" + id, note), cancellationToken).ConfigureAwait(false);
        Engine?.OnUpdated(updated);
        if (_options.PublishLocally)
        {
            _feed.Publish(updated);
        }

        foreach (INotifier channel in _notifiers.Where(static n => n is RedisAlertChannel))
        {
            _ = DeliverAsync(channel, updated, CancellationToken.None); // other nodes' live feeds
        }

        return updated;
    }

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Warning, "Could not save {Count} alert change(s) to the store; retrying")]
        public static partial void SaveFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(71, LogLevel.Warning, "Alert {Alert}: delivery to {Notifier} failed (attempt {Attempt}): {Error}; retrying")]
        public static partial void DeliveryRetry(ILogger logger, string alert, string notifier, int attempt, string error);

        [LoggerMessage(72, LogLevel.Error, "Alert {Alert}: could not deliver to {Notifier} after {Attempts} attempts")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, string alert, string notifier, int attempts);
    }
}

/// <summary>An alert (or a summary of alerts) waiting to be sent.</summary>
internal readonly record struct Outgoing(Alert Alert, bool Summary);

/// <summary>An alert action that cannot be done, and why (the API answers 400, or 404 when the alert does not exist).</summary>
public sealed class AlertActionException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}
