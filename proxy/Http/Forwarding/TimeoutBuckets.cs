namespace FilterProxy.Http.Forwarding;

/// <summary>
/// Coarse timeouts without a timer per request: requests that start in the same second share one token that
/// fires <c>timeout</c> later (so a timeout fires between <c>timeout</c> and <c>timeout</c> + 1 s). One
/// CancellationTokenSource and timer per second instead of one per request.
/// </summary>
internal static class TimeoutBuckets
{
    private static readonly Lock s_gate = new();
    private static volatile Bucket s_current = new(-1, TimeSpan.Zero, new CancellationTokenSource());

    public static CancellationToken Token(TimeSpan timeout)
    {
        long second = Environment.TickCount64 / 1000;
        Bucket current = s_current;
        if (current.Second == second && current.Timeout == timeout)
        {
            return current.Source.Token;
        }

        lock (s_gate)
        {
            if (s_current.Second != second || s_current.Timeout != timeout)
            {
                // The previous bucket's source is left to its timer: it cancels (and its timer is freed) when it fires.
                s_current = new Bucket(second, timeout, new CancellationTokenSource(timeout + TimeSpan.FromSeconds(1)));
            }

            return s_current.Source.Token;
        }
    }

    private sealed record Bucket(long Second, TimeSpan Timeout, CancellationTokenSource Source);
}
