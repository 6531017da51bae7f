using FilterProxy.Core.Identity;
using StackExchange.Redis;

namespace FilterProxy.Events.Stores.Sessions;

/// <summary>
/// Bindings shared by every gateway node: <c>{prefix}session:{client}</c> holds the binding as JSON and expires by
/// itself (Redis PEXPIRE at the binding's end); <c>{prefix}sessions</c> is a sorted set of clients by end time, so a
/// node lists the live ones without scanning keys. Members whose end has passed are trimmed on every listing.
/// </summary>
public sealed class RedisSessionStore(ConnectionMultiplexer redis, string prefix) : ISessionStore
{
    private IDatabase Db => redis.GetDatabase();

    private RedisKey Key(string client) => prefix + "session:" + client;

    private RedisKey Index => prefix + "sessions";

    public async Task SetAsync(SessionBinding binding, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        TimeSpan ttl = binding.EndsAt - now;
        if (ttl <= TimeSpan.Zero)
        {
            await RemoveAsync(binding.Client, cancellationToken).ConfigureAwait(false);
            return;
        }

        ITransaction tx = Db.CreateTransaction();
        _ = tx.StringSetAsync(Key(binding.Client), SessionJson.Serialize(binding), ttl);
        _ = tx.SortedSetAddAsync(Index, binding.Client, binding.EndsAt.ToUnixTimeMilliseconds());
        await tx.ExecuteAsync().ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(string client, CancellationToken cancellationToken = default)
    {
        ITransaction tx = Db.CreateTransaction();
        Task<bool> deleted = tx.KeyDeleteAsync(Key(client));
        _ = tx.SortedSetRemoveAsync(Index, client);
        await tx.ExecuteAsync().ConfigureAwait(false);
        return await deleted.ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SessionBinding>> LiveAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        double ms = now.ToUnixTimeMilliseconds();
        await Db.SortedSetRemoveRangeByScoreAsync(Index, double.NegativeInfinity, ms).ConfigureAwait(false);
        RedisValue[] clients = await Db.SortedSetRangeByScoreAsync(Index, ms, double.PositiveInfinity, Exclude.Start).ConfigureAwait(false);
        var live = new List<SessionBinding>(clients.Length);
        for (int i = 0; i < clients.Length; i += 500)
        {
            RedisKey[] keys = [.. clients.Skip(i).Take(500).Select(c => Key((string)c!))];
            RedisValue[] docs = await Db.StringGetAsync(keys).ConfigureAwait(false);
            foreach (RedisValue doc in docs)
            {
                if (doc.HasValue && SessionJson.Deserialize((string)doc!) is { } b && b.IsLive(now))
                {
                    live.Add(b);
                }
            }
        }

        return live;
    }
}
