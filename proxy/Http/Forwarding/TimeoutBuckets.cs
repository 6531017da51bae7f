using System.Collections.Concurrent;

namespace FilterProxy.Http.Forwarding;

/// <summary>
/// Coarse timeouts without a timer per request: calls in the same second with the same timeout share one token
/// (and one deadline task) that fires <c>timeout</c> to <c>timeout</c> + 1 s later. One CancellationTokenSource
/// and timer per second per timeout value, instead of one per request.
/// </summary>
internal static class TimeoutBuckets
{
    private static readonly ConcurrentDictionary<TimeSpan, Bucket> s_buckets = new();

    /// <summary>A shared task that completes <paramref name="timeout"/> (up to + 1 s) from now: a deadline for WhenAny.</summary>
    public static Task Deadline(TimeSpan timeout) => Current(timeout).Deadline;

    public static CancellationToken Token(TimeSpan timeout) => Current(timeout).Source.Token;

    private static Bucket Current(TimeSpan timeout)
    {
        long second = Environment.TickCount64 / 1000;
        if (s_buckets.TryGetValue(timeout, out Bucket? current) && current.Second == second)
        {
            return current;
        }

        // The previous bucket's source is left to its timer: it cancels (and its timer is freed) when it fires.
        return s_buckets.AddOrUpdate(timeout, static (t, s) => Bucket.Start(t, s), static (t, old, s) => old.Second == s ? old : Bucket.Start(t, s), second);
    }

    private sealed record Bucket(long Second, CancellationTokenSource Source, Task Deadline)
    {
        public static Bucket Start(TimeSpan timeout, long second)
        {
            var source = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(1));
            Task deadline = Task.Delay(Timeout.Infinite, source.Token).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return new Bucket(second, source, deadline);
        }
    }
}
