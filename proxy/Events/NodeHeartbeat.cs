using FilterProxy.Core.Health;
using FilterProxy.Core.Policy;
using FilterProxy.Events.Nodes;

namespace FilterProxy.Events;

/// <summary>Reports this node's status to the <see cref="NodeBoard"/> every ten seconds (events per second from the pipeline's counters).</summary>
internal sealed partial class NodeHeartbeat(NodeBoard board, EventStack events, PolicySnapshotHolder policy, IEnumerable<IHealthReporter> components, TimeProvider time, ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private static readonly string s_version = typeof(NodeHeartbeat).Assembly.GetName().Version?.ToString(3) ?? "?";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long lastCount = Accepted;
        DateTimeOffset last = time.GetUtcNow();
        using var timer = new PeriodicTimer(NodeBoard.Interval, time);
        do
        {
            DateTimeOffset now = time.GetUtcNow();
            long count = Accepted;
            double seconds = Math.Max((now - last).TotalSeconds, 0.001);
            var status = new NodeStatus(events.Pipeline.NodeId, now, s_version, policy.Current.Version, components.All(static c => c.Healthy) ? "ok" : "degraded",
                Math.Round((count - lastCount) / seconds, 1), events.Pipeline.Written, events.Pipeline.Depth, events.Pipeline.SpoolPendingBytes, events.Pipeline.Dropped, events.Pipeline.StoreUp);
            (lastCount, last) = (count, now);
            try
            {
                await board.PublishAsync(status);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.PublishFailed(logger, ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private long Accepted => events.Pipeline.Queued;

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(86, LogLevel.Debug, "Could not report this node's status: {Error}")]
        public static partial void PublishFailed(ILogger logger, string error);
    }
}
