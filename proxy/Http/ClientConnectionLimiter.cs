using System.Collections.Concurrent;
using System.Net;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http;

/// <summary>Caps open proxy connections per client address (http.maxConnectionsPerClient), so one device cannot starve the rest.</summary>
internal sealed class ClientConnectionLimiter(PolicySnapshotHolder snapshots, TimeProvider time)
{
    /// <summary>The warning about refused connections, at most once per 10 seconds.</summary>
    public Hosting.LogThrottle Warnings { get; } = new(time);

    private readonly ConcurrentDictionary<IPAddress, int> _open = new();
    private long _refused;

    public long Refused => Interlocked.Read(ref _refused);

    public bool TryAcquire(IPAddress client)
    {
        int limit = snapshots.Current.Settings.Http.MaxConnectionsPerClient;
        int now = _open.AddOrUpdate(client, 1, static (_, n) => n + 1);
        if (now <= limit)
        {
            return true;
        }

        Release(client);
        Interlocked.Increment(ref _refused);
        return false;
    }

    public void Release(IPAddress client)
    {
        int left = _open.AddOrUpdate(client, 0, static (_, n) => n - 1);
        if (left <= 0)
        {
            _open.TryRemove(new KeyValuePair<IPAddress, int>(client, 0));
        }
    }
}
