using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Upstream;

namespace FilterProxy.Dns;

/// <summary>The upstream pool for the current settings; rebuilt when a reload changes the upstreams.</summary>
internal sealed class DnsUpstreams(TimeProvider time, Func<DnsUpstream, IDnsUpstream>? factory = null) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private UpstreamPool? _pool;

    public UpstreamPool For(DnsSettings settings)
    {
        UpstreamPool? pool = Volatile.Read(ref _pool);
        string key = string.Join(',', settings.Upstreams.Select(static u => u.Text)) + "|" + settings.UpstreamTimeout.TotalMilliseconds;
        if (pool is not null && pool.Key == key)
        {
            return pool;
        }

        lock (_lock)
        {
            if (_pool is null || _pool.Key != key)
            {
                UpstreamPool? old = _pool;
                _pool = new UpstreamPool(settings.Upstreams, settings.UpstreamTimeout, time, factory);
                if (old is not null)
                {
                    // Let queries in flight finish on the old pool before closing its connections.
                    _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => old.DisposeAsync().AsTask(), TaskScheduler.Default);
                }
            }

            return _pool;
        }
    }

    public UpstreamPool? Current => Volatile.Read(ref _pool);

    public async ValueTask DisposeAsync()
    {
        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }
    }
}
