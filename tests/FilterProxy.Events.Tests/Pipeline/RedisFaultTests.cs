using FilterProxy.Core.Events;
using FilterProxy.Events.Pipeline;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Tests.Common;
using StackExchange.Redis;

namespace FilterProxy.Events.Tests.Pipeline;

/// <summary>
/// The fault the DSL cares about: redis-server dies mid-stream and comes back. Every event must arrive,
/// exactly once, in order, with nothing dropped. A real redis-server (AOF, fsync always, so what it
/// acknowledged before the kill survives it), a real pipeline on its real timer.
/// </summary>
public sealed class RedisFaultTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task RedisKilledAndRestartedMidStream_EveryEventArrivesExactlyOnce_InOrder()
    {
        string data = Path.Combine(_dir.Path, "redis");
        Directory.CreateDirectory(data);
        await using RedisServer redis = await RedisServer.StartAsync(persistDirectory: data);
        await using RedisEventStore store = await RedisEventStore.ConnectAsync(redis.Configuration);
        using var pipeline = new EventPipeline(store, new EventPipelineOptions
        {
            NodeId = "node-a",
            SpoolDirectory = Path.Combine(_dir.Path, "spool"),
            WriteTimeout = TimeSpan.FromSeconds(2),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
        });
        using var stop = new CancellationTokenSource();
        Task writer = pipeline.RunAsync(stop.Token);

        const int steps = 30, perStep = 1000;
        var start = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        for (int step = 0; step < steps; step++)
        {
            if (step == 10)
            {
                redis.Stop();
            }

            if (step == 20)
            {
                await redis.StartAgainAsync();
            }

            for (int i = 0; i < perStep; i++)
            {
                int n = (step * perStep) + i;
                Assert.True(pipeline.TryWrite(new FilterEvent
                {
                    Time = start.AddMilliseconds(n),
                    Kind = EventKind.Dns,
                    Verdict = n % 7 == 0 ? "block" : "allow",
                    ClientIp = "10.0.0.1",
                    User = "pupil" + (n % 3),
                    Host = $"h{n}.example",
                }));
            }

            await Task.Delay(100);
        }

        // Each batch is acknowledged by the store exactly once — written directly, or replayed from the spool (where a write
        // that timed out but had landed comes back as a duplicate, still one copy) — so Written + Replayed settles at the total.
        // Wait on what the store holds as well, the truth the DSL reads.
        IDatabase db = store.Connection.GetDatabase();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((pipeline.SpoolPendingBytes > 0 || pipeline.Depth > 0 || pipeline.Written + pipeline.Replayed < steps * perStep
                || await StoredAsync(db) < steps * perStep) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        stop.Cancel();
        await writer;

        Assert.True(pipeline.Spooled > 0, "the kill should have sent events to the spool");
        Assert.Equal(0, pipeline.Dropped);
        Assert.Equal(0, pipeline.SpoolPendingBytes);
        Assert.Equal(steps * perStep, pipeline.Written + pipeline.Replayed);
        Assert.InRange(pipeline.Duplicates, 0, pipeline.Replayed);

        var hosts = new List<int>();
        foreach (string stream in new[] { "fp:events:allowed", "fp:events:blocked" })
        {
            var entries = (RedisResult[])(await db.ExecuteAsync("XRANGE", stream, "-", "+"))!;
            int last = -1;
            foreach (RedisResult entry in entries)
            {
                FilterEvent e = FilterProxy.Events.Serialization.EventJson.Event((byte[])((RedisResult[])((RedisResult[])entry!)[1]!)[1]!);
                int n = int.Parse(e.Host![1..^8], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(n > last, $"event {n} stored after {last}: out of order");
                last = n;
                hosts.Add(n);
            }
        }

        Assert.Equal(steps * perStep, hosts.Count);                       // nothing lost, nothing twice
        Assert.Equal(Enumerable.Range(0, steps * perStep), hosts.Order());
        Assert.Equal(steps * perStep, (await store.QueryAsync(new EventQuery { User = "pupil1", Limit = EventQuery.MaxLimit }, default)).Count
            + (await store.QueryAsync(new EventQuery { User = "pupil0", Limit = EventQuery.MaxLimit }, default)).Count
            + (await store.QueryAsync(new EventQuery { User = "pupil2", Limit = EventQuery.MaxLimit }, default)).Count);
    }

    private static async Task<long> StoredAsync(IDatabase db)
    {
        try
        {
            return (long)await db.ExecuteAsync("XLEN", "fp:events:allowed") + (long)await db.ExecuteAsync("XLEN", "fp:events:blocked");
        }
        catch (RedisException)
        {
            return -1; // still reconnecting
        }
    }

    public void Dispose() => _dir.Dispose();
}
