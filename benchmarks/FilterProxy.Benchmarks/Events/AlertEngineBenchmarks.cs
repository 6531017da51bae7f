using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Keywords;

namespace FilterProxy.Benchmarks.Events;

/// <summary>
/// The alert engine on the writer: one batch of 1,000 events as the DNS listener makes them under load (one client,
/// names seen once, 30% blocked as malware — a low-severity category alert folded into, and a repetition alert every
/// fifth block) or as the proxy benchmark makes them (all allowed: keyword matching only).
/// </summary>
[MemoryDiagnoser]
public class AlertEngineBenchmarks
{
    private readonly AlertSettings _settings = new();
    private readonly KeywordMatcher _keywords = KeywordList.Load([]).Matcher;
    private AlertEngine _engine = null!;
    private FilterEvent[] _batch = [];
    private long _changes;

    [Params("dns", "bench")]
    public string Events { get; set; } = "dns";

    [GlobalSetup]
    public void Setup()
    {
        var t0 = DateTimeOffset.UtcNow;
        _batch = [.. Enumerable.Range(0, 1000).Select(i => Events == "dns" ? EventStoreLoad.DnsEvent(i, t0) : EventStoreLoad.BenchEvent(i, t0))];
        _engine = new AlertEngine(() => _settings, () => _keywords, TimeProvider.System, _ => _changes++);
    }

    [Benchmark]
    public long ObserveBatch()
    {
        _engine.Observe(_batch);
        return _changes;
    }
}
