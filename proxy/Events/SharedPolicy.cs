using FilterProxy.Events.Stores.Redis;
using FilterProxy.Hosting;
using StackExchange.Redis;

namespace FilterProxy.Events;

/// <summary>
/// The central policy of a multi-site installation: a JSON document in Redis (<c>{prefix}policy</c>) applied
/// over each node's own file (node-local settings excepted). <c>filterproxy policy publish</c> stores it and
/// publishes its version on <c>{prefix}policy:changed</c>; every node subscribed reloads at once.
/// </summary>
internal sealed class SharedPolicySource
{
    private volatile string? _json;

    public string? Json => _json;
    public long Version { get; private set; }

    /// <summary>
    /// A single node keeps the admin's policy edits in a file instead (see <see cref="FilterProxy.Admin.GatewayPolicyAdmin"/>):
    /// loaded at start and set again when the admin saves.
    /// </summary>
    public void SetLocal(string? json) => _json = json;

    public static string Key(string prefix) => prefix + "policy";
    public static RedisChannel Channel(string prefix) => RedisChannel.Literal(prefix + "policy:changed");

    public async Task<bool> FetchAsync(RedisEventStore redis)
    {
        IDatabase db = redis.Connection.GetDatabase();
        HashEntry[] doc = await db.HashGetAllAsync(Key(redis.Prefix));
        string? json = doc.FirstOrDefault(static h => h.Name == "json").Value;
        long version = (long?)doc.FirstOrDefault(static h => h.Name == "version").Value ?? 0;
        bool changed = json != _json;
        _json = json;
        Version = version;
        return changed;
    }

    /// <summary>Stores a new central policy and tells every node. Returns its version.</summary>
    public static async Task<long> PublishAsync(RedisEventStore redis, string json)
    {
        IDatabase db = redis.Connection.GetDatabase();
        long version = await db.HashIncrementAsync(Key(redis.Prefix), "version");
        await db.HashSetAsync(Key(redis.Prefix), "json", json);
        await redis.Connection.GetSubscriber().PublishAsync(Channel(redis.Prefix), version);
        return version;
    }
}

/// <summary>Subscribes to central policy changes and reloads this node when one is published.</summary>
internal sealed partial class SharedPolicySubscriber(EventStack events, SharedPolicySource source, PolicyReloader reloader, ILogger<SharedPolicySubscriber> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (events.Store is not RedisEventStore redis)
        {
            return;
        }

        var signals = System.Threading.Channels.Channel.CreateBounded<long>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });
        await redis.Connection.GetSubscriber().SubscribeAsync(SharedPolicySource.Channel(redis.Prefix), (_, version) => signals.Writer.TryWrite((long)version));
        try
        {
            await foreach (long version in signals.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (!await source.FetchAsync(redis))
                    {
                        continue; // the same document (this node published it and has reloaded already)
                    }

                    Log.Published(logger, version);
                    await reloader.ReloadAsync($"shared policy v{version}", refreshLists: false, stoppingToken);
                }
                catch (RedisException ex)
                {
                    Log.FetchFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(84, LogLevel.Information, "Shared policy v{Version} published; reloading")]
        public static partial void Published(ILogger logger, long version);

        [LoggerMessage(85, LogLevel.Warning, "Could not read the shared policy from Redis; keeping the current policy")]
        public static partial void FetchFailed(ILogger logger, Exception exception);
    }
}
