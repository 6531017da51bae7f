using System.Collections.Concurrent;
using System.Text.Json;
using FilterProxy.Core.Events;
using FilterProxy.Events.Stores.Redis;
using StackExchange.Redis;

namespace FilterProxy.Events.Nodes;

/// <summary>One gateway node as it last reported itself (every <see cref="NodeBoard.Interval"/>).</summary>
public sealed record NodeStatus(
    string Node, DateTimeOffset Time, string Version, long PolicyVersion, string Status, double EventsPerSecond, long EventsWritten,
    int QueueDepth, long SpoolPendingBytes, long Dropped, bool StoreUp)
{
    /// <summary>Not heard from for three intervals: down, or cut off from the store.</summary>
    public bool IsStale(DateTimeOffset now) => now - Time > NodeBoard.Interval * 3;
}

/// <summary>
/// Where nodes report their status for the health page: a Redis hash (<c>{prefix}nodes</c>) when the store is Redis, so the
/// admin UI of a multi-site installation sees every gateway; in memory otherwise (a single node sees itself).
/// </summary>
public sealed class NodeBoard(IEventStore store)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, NodeStatus> _local = new(StringComparer.Ordinal);

    public async Task PublishAsync(NodeStatus status)
    {
        _local[status.Node] = status;
        if (store is RedisEventStore redis)
        {
            await redis.Connection.GetDatabase().HashSetAsync(redis.Prefix + "nodes", status.Node, JsonSerializer.Serialize(status, s_json)).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<NodeStatus>> ReadAsync()
    {
        if (store is not RedisEventStore redis)
        {
            return [.. _local.Values.OrderBy(static n => n.Node, StringComparer.Ordinal)];
        }

        HashEntry[] entries = await redis.Connection.GetDatabase().HashGetAllAsync(redis.Prefix + "nodes").ConfigureAwait(false);
        return [.. entries.Select(static e => JsonSerializer.Deserialize<NodeStatus>((string)e.Value!, s_json)!).OrderBy(static n => n.Node, StringComparer.Ordinal)];
    }
}
