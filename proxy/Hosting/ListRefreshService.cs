using FilterProxy.Core.Policy;

namespace FilterProxy.Hosting;

/// <summary>
/// Refreshes lists on their schedule (<c>refreshMinutes</c>): once a minute it checks which lists are
/// due and, if any, rebuilds the lists and swaps in a new snapshot. A failed download keeps the
/// previous copy in use and marks the list stale.
/// </summary>
internal sealed class ListRefreshService(PolicySnapshotHolder holder, PolicyReloader reloader, TimeProvider time, ILogger<ListRefreshService> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                string[] due = DueLists(holder.Current, time.GetUtcNow());
                if (due.Length > 0)
                {
                    Log.RefreshingLists(logger, string.Join(", ", due));
                    await reloader.ReloadAsync("list refresh", refreshLists: true, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public static string[] DueLists(PolicySnapshot snapshot, DateTimeOffset now) =>
        [.. snapshot.Lists.Sources
            .Where(s => s.Refresh is { } every && snapshot.Lists.Reports.FirstOrDefault(r => r.Name == s.Name) is { } report && now - report.LastAttempt >= every)
            .Select(static s => s.Name)];
}
