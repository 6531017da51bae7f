using System.Net;
using FilterProxy.Core.Events;
using FilterProxy.Dns;
using FilterProxy.Dns.Server;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>
/// DnsRepeats over real resolver results (a policy snapshot, a fake clock and a fake upstream on loopback). The fake
/// clock runs no timers, so each test calls <see cref="DnsRepeats.Flush"/> where the 1 s timer would; the timer itself
/// is exercised end to end in <see cref="DnsServerTests"/>.
/// </summary>
public sealed class DnsRepeatsTests : IDisposable
{
    private readonly ResolverFixture _f = new("""{ "repeatWindowSeconds": 10 }""");
    private readonly Sink _sink = new();
    private readonly DnsRepeats _repeats;

    public DnsRepeatsTests() => _repeats = new DnsRepeats(_sink, _f.Holder, _f.Time);

    [Fact]
    public async Task FirstQuery_IsAnEventAtOnce_IdenticalOnesAreCountedIntoOneMore_WhenTheWindowEnds()
    {
        await Ask("bet.example");
        FilterEvent first = Assert.Single(_sink.Events);
        Assert.Equal(("block", null), (first.Verdict, first.Repeats));
        for (int i = 0; i < 4; i++)
        {
            _f.Time.Advance(TimeSpan.FromSeconds(2));
            await Ask("bet.example", latency: i);
        }

        _repeats.Flush(final: false);                // what the timer does each second
        Assert.Single(_sink.Events);                 // counted, not yet written
        _f.Time.Advance(TimeSpan.FromSeconds(2));    // 10 s after the first: the next round writes the count
        _repeats.Flush(final: false);
        Assert.Equal(2, _sink.Events.Count);
        FilterEvent counted = _sink.Events[1];
        Assert.Equal(4, counted.Repeats);
        Assert.Equal(first.Time.AddSeconds(8), counted.Time);   // the last one's time and latency
        Assert.Equal(3, counted.LatencyMs);
        Assert.Equal(first with { Time = counted.Time, LatencyMs = 3, Repeats = 4 }, counted); // all else as the first
        Assert.Equal(0, _repeats.Open);
    }

    [Fact]
    public async Task AnswersFromUpstreamThenCache_AreCounted_WithTheLastOnesReason()
    {
        await Ask("allowed.test");
        await Ask("allowed.test");
        await Ask("allowed.test");
        _repeats.Stop();
        Assert.Equal([("upstream", false, null), ("cache", true, (int?)2)], _sink.Events.Select(static e => (e.Reason, e.CacheHit, e.Repeats)));
    }

    [Fact]
    public async Task DifferentName_Type_Client_OrProtocol_AreEventsOfTheirOwn()
    {
        await Ask("bet.example");
        await Ask("bet.example", type: 28);
        await Ask("bet.example", client: IPAddress.Parse("127.0.0.2"));
        await Ask("bet.example", protocol: "tcp");
        await Ask("allowed.test");
        Assert.Equal(5, _sink.Events.Count);
        _f.Time.Advance(TimeSpan.FromSeconds(11));
        _repeats.Flush(final: false);
        Assert.Equal(5, _sink.Events.Count);         // nothing repeated: nothing more to write
    }

    [Fact]
    public async Task AQueryAfterTheWindow_WritesTheCountFirst_ThenItselfAtOnce()
    {
        await Ask("bet.example");
        await Ask("bet.example");
        _f.Time.Advance(TimeSpan.FromSeconds(30));   // past the window, before the timer's next round
        await Ask("bet.example");
        Assert.Equal([null, 1, null], _sink.Events.Select(static e => e.Repeats));
    }

    [Fact]
    public async Task Stop_WritesWhatIsCounted_AndLaterQueriesAreEventsOfTheirOwn()
    {
        for (int i = 0; i < 3; i++)
        {
            await Ask("bet.example");
        }

        _repeats.Stop();
        Assert.Equal([null, 2], _sink.Events.Select(static e => e.Repeats));
        await Ask("bet.example");
        await Ask("bet.example");
        Assert.Equal(4, _sink.Events.Count);
        Assert.Equal(5, _sink.Events.Sum(static e => e.Count));
    }

    [Fact]
    public async Task RateLimitedAnswers_AreNotRecorded()
    {
        using var f = new ResolverFixture("""{ "rateLimitPerSecond": 1 }""");
        var sink = new Sink();
        using var repeats = new DnsRepeats(sink, f.Holder, f.Time);
        var sources = new List<DnsSource>();
        for (int i = 0; i < 5; i++)
        {
            (_, DnsResult result) = await f.AskAsync(DnsPackets.Query("bet.example"));
            sources.Add(result.Source);
            repeats.Record(result, "bet.example", ResolverFixture.Client, "udp", 0.1);
        }

        repeats.Stop();
        Assert.Equal(3, sources.Count(static s => s == DnsSource.RateLimited));  // a burst of two, then limited
        Assert.Equal(2, sink.Events.Sum(static e => e.Count));                   // only the two answered
    }

    [Fact]
    public async Task WindowZero_EveryQueryIsAnEvent()
    {
        using var f = new ResolverFixture("""{ "repeatWindowSeconds": 0 }""");
        var sink = new Sink();
        using var repeats = new DnsRepeats(sink, f.Holder, f.Time);
        byte[] query = DnsPackets.Query("bet.example");
        for (int i = 0; i < 3; i++)
        {
            (_, DnsResult result) = await f.AskAsync(query);
            repeats.Record(result, "bet.example", ResolverFixture.Client, "udp", 0.1);
        }

        Assert.Equal(3, sink.Events.Count);
        Assert.All(sink.Events, static e => Assert.Null(e.Repeats));
    }

    [Fact]
    public async Task ManyThreads_EveryQueryIsAccountedFor()
    {
        (_, DnsResult result) = await _f.AskAsync(DnsPackets.Query("bet.example"));
        Parallel.For(0, 30_000, i => _repeats.Record(result, "bet.example", IPAddress.Parse($"10.0.0.{i % 7}"), "udp", 0.1));
        _repeats.Stop();
        Assert.Equal(30_000, _sink.Events.Sum(static e => e.Count));
        Assert.Equal(2 * 7, _sink.Events.Count);     // 7 clients: the first of each, and one count
    }

    [Fact]
    public async Task PastMaxOpenKeys_ANewKeyIsAnEventOfItsOwn_EveryTime_WhileOpenOnesAreStillCounted()
    {
        (_, DnsResult result) = await _f.AskAsync(DnsPackets.Query("bet.example"));
        for (int i = 0; i < DnsRepeats.MaxOpen + 5; i++)
        {
            _repeats.Record(result, $"n{i}.bet.example", ResolverFixture.Client, "udp", 0.1);
        }

        Assert.Equal(DnsRepeats.MaxOpen, _repeats.Open);
        Assert.Equal(DnsRepeats.MaxOpen + 5, _sink.Events.Count);
        _repeats.Record(result, $"n{DnsRepeats.MaxOpen + 3}.bet.example", ResolverFixture.Client, "udp", 0.1); // not open: its own event
        _repeats.Record(result, "n5.bet.example", ResolverFixture.Client, "udp", 0.1);                          // open: counted
        Assert.Equal(DnsRepeats.MaxOpen + 6, _sink.Events.Count);
        _repeats.Stop();
        FilterEvent counted = Assert.Single(_sink.Events, static e => e.Repeats is not null);
        Assert.Equal(("n5.bet.example", 1), (counted.Host, counted.Repeats));
        Assert.Equal(DnsRepeats.MaxOpen + 7, _sink.Events.Count);
        Assert.Equal(0, _repeats.Open);
    }

    private async Task Ask(string name, ushort type = 1, IPAddress? client = null, string protocol = "udp", double latency = 0)
    {
        (_, DnsResult result) = await _f.AskAsync(DnsPackets.Query(name, type), client: client);
        _repeats.Record(result, name, client ?? ResolverFixture.Client, protocol, latency);
    }

    public void Dispose()
    {
        _repeats.Dispose();
        _f.Dispose();
    }

    private sealed class Sink : IEventSink
    {
        private readonly List<FilterEvent> _events = [];

        public List<FilterEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public bool TryWrite(FilterEvent filterEvent)
        {
            lock (_events)
            {
                _events.Add(filterEvent);
            }

            return true;
        }
    }
}
