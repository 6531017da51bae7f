using System.Collections.Concurrent;

namespace FilterProxy.Tls;

/// <summary>
/// Hosts whose clients refuse the school's certificate (certificate pinning, devices without the CA): after
/// <see cref="FailuresToSplice"/> failed handshakes within the fall-back period they are spliced instead of
/// intercepted for that period (http.interceptFallbackMinutes), so one client that hangs up mid-handshake does
/// not switch interception off for everyone. Each failure is an event, so the technician can add the host to
/// the never-intercept list.
/// </summary>
internal sealed class InterceptFallback(TimeProvider time)
{
    public const int FailuresToSplice = 3;
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset First)> _failures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Counts a failed interception; true when this one switches the host to splicing.</summary>
    public bool RecordFailure(string host, TimeSpan duration)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_failures.Count > Capacity)
        {
            _failures.Clear();
        }

        (int count, DateTimeOffset first) = _failures.AddOrUpdate(host, (1, now), (_, f) => now - f.First > duration ? (1, now) : (f.Count + 1, f.First));
        if (count < FailuresToSplice)
        {
            return false;
        }

        _failures.TryRemove(host, out _);
        Add(host, duration);
        return true;
    }

    public bool IsSpliced(string host)
    {
        if (!_until.TryGetValue(host, out DateTimeOffset until))
        {
            return false;
        }

        if (until > time.GetUtcNow())
        {
            return true;
        }

        _until.TryRemove(host, out _);
        return false;
    }

    public void Add(string host, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        if (_until.Count > Capacity)
        {
            _until.Clear();
        }

        _until[host] = time.GetUtcNow() + duration;
    }
}
