using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Upstream;

namespace FilterProxy.Dns;

/// <summary>The upstream pool for the current settings; rebuilt when a reload changes the upstreams.</summary>
internal sealed class DnsUpstreams(TimeProvider time, Func<DnsUpstream, IDnsUpstream>? factory = null) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private Current? _current;

    public UpstreamPool For(DnsSettings settings)
    {
        // Snapshots are immutable: the same settings object means the same pool, with no work per query.
        Current? current = Volatile.Read(ref _current);
        if (current is not null && ReferenceEquals(current.Settings, settings))
        {
            return current.Pool;
        }

        lock (_lock)
        {
            string key = UpstreamPool.KeyOf(settings.Upstreams, settings.UpstreamTimeout);
            UpstreamPool pool;
            if (_current is not null && _current.Pool.Key == key)
            {
                pool = _current.Pool; // a reload that left the upstreams alone keeps their health state
            }
            else
            {
                pool = new UpstreamPool(settings.Upstreams, settings.UpstreamTimeout, time, factory);
                if (_current?.Pool is { } old)
                {
                    // Let queries in flight finish on the old pool before closing its connections.
                    _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => old.DisposeAsync().AsTask(), TaskScheduler.Default);
                }
            }

            Volatile.Write(ref _current, new Current(settings, pool));
            return pool;
        }
    }

    public UpstreamPool? Pool => Volatile.Read(ref _current)?.Pool;

    public async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.Pool.DisposeAsync();
        }
    }

    private sealed record Current(DnsSettings Settings, UpstreamPool Pool);
}
