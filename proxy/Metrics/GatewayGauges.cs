using System.Diagnostics.Metrics;
using FilterProxy.Core.Events;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;
using FilterProxy.Dns.Cache;
using FilterProxy.Events;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Pipeline;
using FilterProxy.Tls;

namespace FilterProxy.Metrics;

/// <summary>
/// What a scrape reads from the gateway's own counters when it asks (observable instruments on <see cref="GatewayMetrics"/>'s
/// meter): the event pipeline's queue, spool and losses, alerts raised by severity, each list's entries and age, the DNS
/// cache, and the school CA's remaining life. Nothing here runs on a request path.
/// </summary>
internal sealed class GatewayGauges
{
    private static readonly AlertSeverity[] s_severities = Enum.GetValues<AlertSeverity>();

    public GatewayGauges(GatewayMetrics metrics, EventStack events, PolicySnapshotHolder policy, DnsCache cache, SchoolCertificateAuthority ca, TimeProvider time)
    {
        Meter meter = metrics.Meter;
        EventPipeline pipeline = events.Pipeline;
        meter.CreateObservableUpDownCounter("filterproxy.events.queue.depth", () => (long)pipeline.Depth, "{event}",
            "Events waiting for the writer");
        meter.CreateObservableUpDownCounter("filterproxy.events.spool.size", () => pipeline.SpoolPendingBytes, "By",
            "Bytes of events spooled to disk while the store was unreachable, not yet replayed");
        meter.CreateObservableCounter("filterproxy.events.written", () => pipeline.Written, "{event}", "Events stored");
        meter.CreateObservableCounter("filterproxy.events.dropped", () => pipeline.Dropped, "{event}",
            "Events lost (queue and spool both full): should stay 0");
        meter.CreateObservableUpDownCounter("filterproxy.events.store.up", () => pipeline.StoreUp ? 1 : 0, "1",
            "1 while the event store answers, 0 while events are being spooled");
        meter.CreateObservableCounter("filterproxy.alerts.raised", () => AlertsRaised(events.Alerts), "{alert}",
            "Safeguarding alerts raised, by severity");
        meter.CreateObservableUpDownCounter("filterproxy.list.entries", () => ListEntries(policy.Current.Lists.Reports), "{entry}",
            "Domains and URLs each category list holds, by list name");
        meter.CreateObservableGauge("filterproxy.list.age", () => ListAges(policy.Current.Lists.Reports, time.GetUtcNow()), "s",
            "Seconds since each list's content in use was fetched or read");
        meter.CreateObservableUpDownCounter("filterproxy.dns.cache.entries", () => (long)cache.Count, "{entry}", "Answers in the DNS cache");
        meter.CreateObservableGauge("filterproxy.certificate.expiry", () => (ca.Certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalSeconds, "s",
            "Seconds until the school CA certificate expires (every managed device needs the new one before then)");
    }

    private static IEnumerable<Measurement<long>> AlertsRaised(AlertService alerts)
    {
        foreach (AlertSeverity severity in s_severities)
        {
            yield return new Measurement<long>(alerts.RaisedAt(severity), new KeyValuePair<string, object?>("filterproxy.severity", Alert.SeverityName(severity)));
        }
    }

    private static IEnumerable<Measurement<long>> ListEntries(IReadOnlyList<ListReport> lists)
    {
        foreach (ListReport list in lists)
        {
            yield return new Measurement<long>(list.Domains + list.Urls, new KeyValuePair<string, object?>("filterproxy.list", list.Name));
        }
    }

    private static IEnumerable<Measurement<double>> ListAges(IReadOnlyList<ListReport> lists, DateTimeOffset now)
    {
        foreach (ListReport list in lists)
        {
            if (list.LastRefresh is { } refreshed)
            {
                yield return new Measurement<double>((now - refreshed).TotalSeconds, new KeyValuePair<string, object?>("filterproxy.list", list.Name));
            }
        }
    }
}
