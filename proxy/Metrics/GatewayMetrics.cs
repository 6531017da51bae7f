using System.Diagnostics.Metrics;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Policy;

namespace FilterProxy.Metrics;

/// <summary>
/// The instruments the hot paths count into (meter <see cref="MeterName"/>, made by the host's <see cref="IMeterFactory"/>):
/// decisions, tunnels, DNS queries and upstream latency, content checks, search risk. Every label comes from a bounded
/// set — verdict and category words, the policy's profile names, protocol and response-code names — and none is a
/// person, a URL, a host or a client address: those belong in the event store only.
/// With metrics off nothing listens, and an <c>Add</c> is a check of one field.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "FilterProxy";

    private static readonly object s_true = true, s_false = false;

    private readonly DecisionCounts _decisions = new();
    private readonly DnsQueryCounts _dnsQueries = new();
    private readonly ObservableCounter<long> _decisionsCounter;
    private readonly ObservableCounter<long> _dnsQueriesCounter;
    private readonly Counter<long> _tunnels;
    private readonly Histogram<double> _dnsUpstream;
    private readonly Histogram<double> _contentChecks;
    private readonly Counter<long> _searches;

    public GatewayMetrics(IMeterFactory factory)
    {
        Meter = factory.Create(MeterName);
        _decisionsCounter = Meter.CreateObservableCounter("filterproxy.decisions", _decisions.Read, "{decision}",
            "Policy decisions, one per HTTP request, CONNECT tunnel and DNS query, by what was decided");
        _tunnels = Meter.CreateCounter<long>("filterproxy.http.tunnels", "{tunnel}",
            "CONNECT and transparent TLS connections by what was done with them: splice, intercept, refuse, error");
        _dnsQueriesCounter = Meter.CreateObservableCounter("filterproxy.dns.queries", _dnsQueries.Read, "{query}",
            "DNS queries answered, by protocol (udp, tcp, doh), response code and whether the cache answered");
        _dnsUpstream = Meter.CreateHistogram<double>("filterproxy.dns.upstream.duration", "s",
            "Time an upstream resolver took to answer a query the cache could not",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _contentChecks = Meter.CreateHistogram<double>("filterproxy.content.check.duration", "s",
            "Time the content check took over one page or text response, by whether it blocked",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] });
        _searches = Meter.CreateCounter<long>("filterproxy.search.risk", "{search}",
            "Search terms scored for safeguarding risk, by risk level (none, low, medium, high, critical)");
    }

    public Meter Meter { get; }

    /// <summary>One decision; <paramref name="category"/> is the category that decided it (or the content check's), if any.</summary>
    /// <param name="source">An index into <see cref="DecisionCounts.Sources"/>: <see cref="Http"/>, <see cref="Https"/>, <see cref="TunnelSource"/>, <see cref="Dns"/>.</param>
    public void Decision(int source, string verdict, Category? category, string? profile)
    {
        if (_decisionsCounter.Enabled)
        {
            _decisions.Add(source, verdict, category, profile);
        }
    }

    public void Decision(int source, string verdict, in Decision decision) =>
        Decision(source, verdict, decision.Category, decision.Profile.Name);

    public const int Http = 0, Https = 1, TunnelSource = 2, Dns = 3;

    /// <summary>A tunnel's fate: splice, intercept, refuse or error.</summary>
    public void Tunnel(string mode)
    {
        if (_tunnels.Enabled)
        {
            _tunnels.Add(1, new KeyValuePair<string, object?>("filterproxy.tunnel.mode", mode));
        }
    }

    public void DnsQuery(string protocol, int rcode, bool cacheHit, TimeSpan? upstream)
    {
        if (_dnsQueriesCounter.Enabled)
        {
            _dnsQueries.Add(protocol, rcode, cacheHit);
        }

        if (upstream is { } latency && _dnsUpstream.Enabled)
        {
            _dnsUpstream.Record(latency.TotalSeconds);
        }
    }

    public void ContentCheck(TimeSpan duration, bool blocked)
    {
        if (_contentChecks.Enabled)
        {
            _contentChecks.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("filterproxy.blocked", blocked ? s_true : s_false));
        }
    }

    public void SearchRisk(string level)
    {
        if (_searches.Enabled)
        {
            _searches.Add(1, new KeyValuePair<string, object?>("filterproxy.risk", level));
        }
    }
}
