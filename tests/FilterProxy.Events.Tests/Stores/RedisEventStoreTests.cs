using FilterProxy.Core.Events;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Tests.Common;
using StackExchange.Redis;

namespace FilterProxy.Events.Tests.Stores;

/// <summary>One real redis-server for the Redis test classes; each test uses its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}

[Collection(RedisCollection.Name)]
public sealed class RedisEventStoreTests(RedisFixture redis) : EventStoreContract
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private RedisEventStore Redis => (RedisEventStore)Store;

    protected override async Task<IEventStore> CreateStoreAsync() => await RedisEventStore.ConnectAsync(redis.Server.Configuration, _prefix);

    protected override async Task TamperAuditAsync(long seq, string newActor)
    {
        IDatabase db = Redis.Connection.GetDatabase();
        string json = (await db.ListGetByIndexAsync(_prefix + "audit", seq - 1))!;
        await db.ListSetByIndexAsync(_prefix + "audit", seq - 1, json.Replace("\"actor\":\"tech@school\"", $"\"actor\":\"{newActor}\"", StringComparison.Ordinal));
    }

    protected override async Task RemoveAuditAsync(long seq)
    {
        IDatabase db = Redis.Connection.GetDatabase();
        RedisValue json = await db.ListGetByIndexAsync(_prefix + "audit", seq - 1);
        await db.ListRemoveAsync(_prefix + "audit", json);
    }

    [Fact]
    public async Task Events_AreStreamEntries_WithTimelineIndexes()
    {
        await Store.AppendAsync(new EventBatch("b1", [Event(1), Event(2, verdict: "block")]), default);
        IDatabase db = Redis.Connection.GetDatabase();
        Assert.Equal(1L, (long)await db.ExecuteAsync("XLEN", _prefix + "events:allowed"));
        Assert.Equal(1L, (long)await db.ExecuteAsync("XLEN", _prefix + "events:blocked"));
        Assert.Equal(2, await db.SortedSetLengthAsync(_prefix + "idx:user:pupil1"));
        Assert.Equal(2, await db.SortedSetLengthAsync(_prefix + "idx:device:LAPTOP-7"));
        // The stream id carries the event time.
        var first = (RedisResult[])(await db.ExecuteAsync("XRANGE", _prefix + "events:allowed", "-", "+"))!;
        Assert.StartsWith(T0.AddSeconds(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + "-", (string)((RedisResult[])first[0]!)[0]!, StringComparison.Ordinal);
    }
}
