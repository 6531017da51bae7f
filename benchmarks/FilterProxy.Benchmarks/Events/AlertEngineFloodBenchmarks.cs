using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Keywords;

namespace FilterProxy.Benchmarks.Events;

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
