using FilterProxy.Core.Health;
using FilterProxy.Core.Policy;
using FilterProxy.Dns;
using FilterProxy.Dns.Cache;
using FilterProxy.Events;

namespace FilterProxy.Hosting;

/// <summary>DNS server state for /healthz: upstream health, cache and refusals.</summary>
internal sealed class DnsHealth(DnsUpstreams upstreams, DnsCache cache, DnsRateLimiter limiter, DnsResolver resolver, PolicySnapshotHolder snapshots) : IHealthReporter
{
    public string Name => "dns";

    public bool Healthy => snapshots.Current.Settings.Dns.Upstreams.Count > 0 && (upstreams.Pool?.Health.Any(static h => h.Up) ?? true);

    public object Report() => new
    {
        upstreams = upstreams.Pool?.Health.Select(static h => new { upstream = h.Upstream, up = h.Up, failures = h.Failures }).ToArray()
            ?? [.. snapshots.Current.Settings.Dns.Upstreams.Select(static u => new { upstream = u.Text, up = true, failures = 0 })],
        cacheEntries = cache.Count,
        cacheHits = Interlocked.Read(ref cache.Hits),
        cacheMisses = Interlocked.Read(ref cache.Misses),
        coalesced = Interlocked.Read(ref resolver.Coalesced),
        rateLimited = Interlocked.Read(ref limiter.Refused),
    };
}

/// <summary>Event pipeline and alert counters for /healthz: degraded while events are being dropped or the store is down.</summary>
internal sealed class EventHealth(EventStack events) : IHealthReporter
{
    public string Name => "events";

    public bool Healthy => events.Pipeline.Dropped == 0 && events.Pipeline.StoreUp;

    public object Report() => new
    {
        store = events.Store.Description,
        storeUp = events.Pipeline.StoreUp,
        node = events.Pipeline.NodeId,
        queued = events.Pipeline.Queued,
        written = events.Pipeline.Written,
        spooled = events.Pipeline.Spooled,
        replayed = events.Pipeline.Replayed,
        dropped = events.Pipeline.Dropped,
        duplicatesIgnored = events.Pipeline.Duplicates,
        spoolPendingBytes = events.Pipeline.SpoolPendingBytes,
        blocked = events.Pipeline.Blocked,
        lastError = events.Pipeline.LastError,
        alertsRaised = events.Alerts.Raised,
        alertsUnsaved = events.Alerts.Unsaved,
        notificationsDelivered = events.Alerts.Delivered,
        notificationFailures = events.Alerts.DeliveryFailures,
        notificationsSummarised = events.Alerts.Summarised,
    };
}
