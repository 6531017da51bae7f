using FilterProxy.Core.Events;
using FilterProxy.Events.Pipeline;
using FilterProxy.Tests.Common;

namespace FilterProxy.Events.Tests.Pipeline;

public sealed class EventPipelineTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly MemoryStore _store = new();

    private EventPipeline Create(int capacity = 10_000, int batchSize = 100, IEventObserver? observer = null, int? maxBatchSize = null) => new(_store, new EventPipelineOptions
    {
        NodeId = "node-a",
        SpoolDirectory = Path.Combine(_dir.Path, "spool"),
        Capacity = capacity,
        BatchSize = batchSize,
        MaxBatchSize = maxBatchSize ?? batchSize,
    }, observer is null ? null : [observer], _clock);

    private static FilterEvent Event(int i) => new()
    {
        Time = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero).AddMilliseconds(i),
        Kind = EventKind.Http,
        Verdict = i % 10 == 0 ? "block" : "allow",
        Host = "h" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ClientIp = "10.0.0.1",
    };

    private static void WriteAll(EventPipeline p, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            Assert.True(p.TryWrite(Event(i)));
        }
    }

    private List<string> StoredHosts() => [.. _store.Events.Select(static e => e.Host!)];

    private static List<string> Hosts(int from, int to) => [.. Enumerable.Range(from, to - from).Select(static i => "h" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Writes_InBatches_NamingEachEventByNodeAndSequence()
    {
        using EventPipeline p = Create(batchSize: 100);
        WriteAll(p, 0, 250);
        await p.PumpAsync();
        Assert.Equal(Hosts(0, 250), StoredHosts());
        Assert.Equal(3, _store.Calls);
        Assert.All(_store.Events, static e => Assert.Equal("node-a", e.Node));
        Assert.Equal(250, _store.Events.Select(static e => e.Seq).Distinct().Count());
        Assert.True(_store.Events.Zip(_store.Events.Skip(1)).All(static p => p.Second.Seq == p.First.Seq + 1));
        Assert.Equal((250L, 250L, 0L, 0L, 0L, 25L), (p.Queued, p.Written, p.Spooled, p.Replayed, p.Dropped, p.Blocked));
    }

    [Fact]
    public async Task StoreDown_EventsSpool_ThenReplayInOrder_ExactlyOnce()
    {
        using EventPipeline p = Create();
        WriteAll(p, 0, 100);
        await p.PumpAsync();
        _store.Down = true;
        WriteAll(p, 100, 300);
        await p.PumpAsync();                         // fails, spools
        WriteAll(p, 300, 400);
        await p.PumpAsync();                         // still in back-off: straight to the spool
        Assert.False(p.StoreUp);
        Assert.Equal(300, p.Spooled);
        Assert.True(p.SpoolPendingBytes > 0);

        _store.Down = false;
        WriteAll(p, 400, 450);
        await p.PumpAsync();                         // within back-off: these queue behind the spool
        Assert.Equal(Hosts(0, 100), StoredHosts());
        _clock.Advance(TimeSpan.FromSeconds(2));
        await p.PumpAsync();

        Assert.Equal(Hosts(0, 450), StoredHosts());
        Assert.Equal((450L, 350L, 0L, 0L), (p.Spooled + p.Written, p.Replayed, p.SpoolPendingBytes, p.Dropped));
        Assert.True(p.StoreUp);
    }

    [Fact]
    public async Task UncertainWrite_ReplayedBatch_IsNotStoredTwice()
    {
        using EventPipeline p = Create();
        _store.LoseNextAnswer = true;                // committed, but the pipeline hears a timeout
        WriteAll(p, 0, 50);
        await p.PumpAsync();
        Assert.Equal(50, p.Spooled);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await p.PumpAsync();
        Assert.Equal(Hosts(0, 50), StoredHosts());
        Assert.Equal(50, p.Duplicates);
        Assert.Equal(50, p.Written + p.Replayed);    // acknowledged once: the duplicate is the one copy, not a second
    }

    [Fact]
    public async Task Spool_SurvivesARestart_AndIsReplayedByTheNextRun()
    {
        _store.Down = true;
        using (EventPipeline first = Create())
        {
            WriteAll(first, 0, 120);
            await first.PumpAsync(final: true);
            Assert.Equal(120, first.Spooled);
        }

        _store.Down = false;
        using EventPipeline second = Create();
        Assert.True(second.SpoolPendingBytes > 0);
        WriteAll(second, 120, 130);
        await second.PumpAsync();
        Assert.Equal(Hosts(0, 130), StoredHosts());
    }

    [Fact]
    public async Task TornSpoolRecord_IsCutOff_RecordsBeforeItKept()
    {
        _store.Down = true;
        using (EventPipeline first = Create())
        {
            WriteAll(first, 0, 100);
            await first.PumpAsync(final: true);
        }

        // A power cut in the middle of the next record.
        await using (var f = new FileStream(Path.Combine(_dir.Path, "spool", "events.spool"), FileMode.Append))
        {
            f.Write([200, 0, 0, 0, 1, 2, 3, 4, (byte)'{', (byte)'"']);
        }

        _store.Down = false;
        using EventPipeline second = Create();
        await second.PumpAsync();
        Assert.Equal(Hosts(0, 100), StoredHosts());
        Assert.Equal(0, second.SpoolPendingBytes);
    }

    [Fact]
    public void QueueFull_TryWriteRefuses_AndCountsTheDrop()
    {
        using EventPipeline p = Create(capacity: 10);
        WriteAll(p, 0, 10);
        Assert.False(p.TryWrite(Event(10)));
        Assert.Equal(1, p.Dropped);
    }

    [Fact]
    public async Task StoreBehind_QueuePastHalfFull_SpoolsInsteadOfWaiting()
    {
        using EventPipeline p = Create(capacity: 400, batchSize: 100);
        WriteAll(p, 0, 350);                         // past half of the queue: the writer spools the first batches
        await p.PumpAsync();
        Assert.True(p.Spooled >= 100);
        Assert.Equal(Hosts(0, 350), StoredHosts());  // and replays them before the rest, once caught up
        Assert.Equal(0, p.SpoolPendingBytes);
    }

    [Fact]
    public async Task ABacklog_IsWrittenInLargerBatches_ThenOrdinaryOnes_InOrder()
    {
        using EventPipeline p = Create(batchSize: 100, maxBatchSize: 400);
        WriteAll(p, 0, 1000);                        // more than two ordinary batches wait: large ones until they do not
        await p.PumpAsync();
        Assert.Equal([400, 400, 100, 100], _store.BatchSizes);
        Assert.Equal(Hosts(0, 1000), StoredHosts());
        WriteAll(p, 1000, 1150);                     // a round's ordinary traffic: ordinary batches
        await p.PumpAsync();
        Assert.Equal([400, 400, 100, 100, 100, 50], _store.BatchSizes);
    }

    [Fact]
    public async Task Replay_StopsBetweenWrites_WhenLiveEventsPileUpDuringOne()
    {
        using EventPipeline p = Create(capacity: 400, batchSize: 10);
        _store.Down = true;
        WriteAll(p, 0, 60);
        await p.PumpAsync();                         // six batches spooled
        Assert.Equal(60, p.Spooled);
        _store.Down = false;
        _clock.Advance(TimeSpan.FromMinutes(1));     // past the back-off
        int next = 60;
        _store.DuringWrite = () =>                   // each write takes long enough for a quarter of the queue to arrive
        {
            WriteAll(p, next, next + 100);
            next += 100;
        };
        await p.PumpAsync();
        _store.DuringWrite = null;
        // The replay wrote one batch, saw the queue past a quarter full and left the rest for the next round instead of
        // holding the writer for more; the live events went to the spool behind the replayed ones, in order.
        Assert.Equal(10, p.Replayed);
        Assert.Equal(0, p.Dropped);
        await p.PumpAsync(final: true);
        Assert.Equal(Hosts(0, next), StoredHosts());
        Assert.Equal(0, p.Dropped);
    }

    [Fact]
    public async Task SpoolDiskFull_EventsCountedAsDropped_WithTheReason()
    {
        string spool = Path.Combine(_dir.Path, "spool");
        Directory.CreateDirectory(spool);
        File.CreateSymbolicLink(Path.Combine(spool, "events.spool"), "/dev/full"); // every write: ENOSPC
        _store.Down = true;
        using EventPipeline p = Create();
        WriteAll(p, 0, 30);
        await p.PumpAsync();
        Assert.Equal(30, p.Dropped);
        Assert.Contains("spool write failed", p.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Observers_SeeEachBatch_BeforeItIsStored()
    {
        var seen = new List<FilterEvent>();
        using EventPipeline p = Create(observer: new Recorder(seen));
        _store.Down = true;
        WriteAll(p, 0, 20);
        await p.PumpAsync();
        Assert.Equal(Hosts(0, 20), seen.Select(static e => e.Host!));
        Assert.All(seen, static e => Assert.NotEqual(0, e.Seq));
    }

    private sealed class Recorder(List<FilterEvent> seen) : IEventObserver
    {
        public void Observe(IReadOnlyList<FilterEvent> batch) => seen.AddRange(batch);
    }

    public void Dispose() => _dir.Dispose();
}
