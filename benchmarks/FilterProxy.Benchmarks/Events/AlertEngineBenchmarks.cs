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

/// <summary>
/// The alert engine under a flood of new "people": blocked DNS queries from spoofed source addresses, each a subject of
/// its own, arriving while the engine already remembers its bound (100,000) of recent ones. Each invocation observes
/// 1,000 such events from subjects it has not seen. The cost per event should not depend on how much is remembered.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8, invocationCount: 1)]
public class AlertEngineFloodBenchmarks
{
    private const int Remembered = 100_000;
    private readonly AlertSettings _settings = new();
    private readonly KeywordMatcher _keywords = KeywordList.Load([]).Matcher;
    private readonly DateTimeOffset _t0 = DateTimeOffset.UtcNow;
    private AlertEngine _engine = null!;
    private FilterEvent[] _batch = [];
    private long _next;
    private long _changes;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new AlertEngine(() => _settings, () => _keywords, TimeProvider.System, _ => _changes++);
        _engine.Observe([.. Enumerable.Range(0, Remembered + 1).Select(i => Spoofed(i))]);
        _next = Remembered + 1;
    }

    [IterationSetup]
    public void NewSubjects()
    {
        _batch = [.. Enumerable.Range(0, 1000).Select(_ => Spoofed(_next++))];
    }

    [Benchmark]
    public long ObserveFlood()
    {
        _engine.Observe(_batch);
        return _changes;
    }

    /// <summary>A blocked malware lookup from 10.x.y.z (the subject), within the last second.</summary>
    private FilterEvent Spoofed(long i) => EventStoreLoad.DnsEvent(0, _t0.AddMilliseconds(i / 1000.0)) with
    {
        ClientIp = $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
    };
}
