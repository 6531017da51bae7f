using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;

namespace FilterProxy.Events;

/// <summary>
/// Runs the event pipeline's writer, the alert service and the retention job for the gateway's lifetime;
/// on stop, drains what is queued (to the store, or the spool) before the store closes.
/// </summary>
internal sealed partial class EventServices(EventStack events, PolicySnapshotHolder policy, TimeProvider time, ILogger<EventServices> logger) : BackgroundService
{
    public static readonly TimeSpan RetentionInterval = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        events.Pipeline.RunAsync(stoppingToken),
        events.Alerts.RunAsync(stoppingToken),
        RetentionLoopAsync(stoppingToken));

    private async Task RetentionLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken); // not in the busy first minute
            using var timer = new PeriodicTimer(RetentionInterval, time);
            do
            {
                await PurgeOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task<RetentionResult?> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            RetentionResult result = await events.Store.PurgeAsync(policy.Current.Settings.Events.Retention, time.GetUtcNow(), cancellationToken);
            if (result.Events > 0 || result.Alerts > 0)
            {
                Log.Purged(logger, result.Events, result.Alerts);
            }

            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PurgeFailed(logger, ex);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(82, LogLevel.Information, "Retention: removed {Events} events and {Alerts} resolved alerts past their retention")]
        public static partial void Purged(ILogger logger, long events, long alerts);

        [LoggerMessage(83, LogLevel.Warning, "Retention job failed; it runs again within the hour")]
        public static partial void PurgeFailed(ILogger logger, Exception exception);
    }
}
