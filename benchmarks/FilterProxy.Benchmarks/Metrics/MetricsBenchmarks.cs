using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Categories;
using FilterProxy.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace FilterProxy.Benchmarks.Metrics;

/// <summary>
/// What one DNS query adds to the gateway's metrics (<see cref="GatewayMetrics.DnsQuery"/> and
/// <see cref="GatewayMetrics.Decision(int, string, Category?, string?)"/>, as <c>DnsRepeats.Record</c> calls them), with
/// nothing listening (metrics off) and with OpenTelemetry's SDK listening as the gateway runs it; and, for comparison,
/// the same two counts through the SDK's own counters with their three and four labels.
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private ServiceProvider _services = null!;
    private MeterProvider? _provider;
    private GatewayMetrics _metrics = null!;
    private Counter<long> _sdkQueries = null!;
    private Counter<long> _sdkDecisions = null!;
    private static readonly TimeSpan s_upstream = TimeSpan.FromMilliseconds(3);

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());
        _sdkQueries = _metrics.Meter.CreateCounter<long>("bench.sdk.queries");
        _sdkDecisions = _metrics.Meter.CreateCounter<long>("bench.sdk.decisions");
        if (Listening)
        {
            // A reader that never exports within a run: the SDK aggregates as it does in the gateway.
            _provider = Sdk.CreateMeterProviderBuilder().AddMeter(GatewayMetrics.MeterName)
                .AddOtlpExporter((o, r) =>
                {
                    o.Endpoint = new Uri("http://127.0.0.1:9/v1/metrics");
                    o.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
                    r.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
                })
                .Build();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _services.Dispose();
    }

    /// <summary>A cache hit: the two counts.</summary>
    [Benchmark(Baseline = true)]
    public void Query_CacheHit()
    {
        _metrics.DnsQuery("udp", 0, cacheHit: true, upstream: null);
        _metrics.Decision(GatewayMetrics.Dns, "allow", null, "nursery-ks1");
    }

    /// <summary>A cache miss: the two counts and the upstream latency histogram.</summary>
    [Benchmark]
    public void Query_CacheMiss()
    {
        _metrics.DnsQuery("udp", 3, cacheHit: false, upstream: s_upstream);
        _metrics.Decision(GatewayMetrics.Dns, "block", Category.Gambling, "nursery-ks1");
    }

    /// <summary>The same two counts through the SDK's counters (what the gateway did first: 4.5% of mixed DNS QPS).</summary>
    [Benchmark]
    public void Query_SdkCounters()
    {
        _sdkQueries.Add(1, new("dns.protocol", "udp"), new("dns.response_code", "NOERROR"), new("filterproxy.dns.cache_hit", "true"));
        _sdkDecisions.Add(1, new("filterproxy.source", "dns"), new("filterproxy.verdict", "allow"), new("filterproxy.category", "none"), new("filterproxy.profile", "nursery-ks1"));
    }
}
