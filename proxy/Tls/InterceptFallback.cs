using System.Collections.Concurrent;

namespace FilterProxy.Tls;

/// <summary>
/// Hosts whose clients refused the school's certificate (certificate pinning, devices without the CA):
/// they are spliced instead of intercepted for a while (http.interceptFallbackMinutes), and each fall-back
/// is logged as an event, so the technician can add the host to the never-intercept list.
/// </summary>
internal sealed class InterceptFallback(TimeProvider time)
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.OrdinalIgnoreCase);

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
