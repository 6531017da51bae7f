namespace FilterProxy.Hosting;

/// <summary>
/// At most one log line per <see cref="Interval"/> for a message that a flood could repeat thousands of times (2,000 idle
/// connections once wrote 1,488 warnings): the next line says how many were left out meanwhile.
/// </summary>
internal sealed class LogThrottle(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private long _last = long.MinValue;
    private long _suppressed;

    /// <summary>True when this occurrence should be logged; <paramref name="suppressed"/> is how many were not since the last.</summary>
    public bool ShouldLog(out long suppressed)
    {
        long now = time.GetTimestamp();
        long last = Interlocked.Read(ref _last);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= Interval) && Interlocked.CompareExchange(ref _last, now, last) == last)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
