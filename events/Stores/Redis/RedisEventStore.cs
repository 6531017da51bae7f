using System.Globalization;
using System.Runtime.CompilerServices;
using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;
using FilterProxy.Events.Serialization;
using StackExchange.Redis;

namespace FilterProxy.Events.Stores.Redis;

/// <summary>
/// The production and multi-site store (StackExchange.Redis 1.2.6, one shared multiplexer):
/// <list type="bullet">
/// <item>events in two streams, <c>events:allowed</c> and <c>events:blocked</c> (each trimmed by time for its own retention),</item>
/// <item>per-user, per-device and per-client timelines as sorted sets (score = event time) pointing into the streams,</item>
/// <item>per-day counts in one hash per day, alerts as hashes with a sorted set by time, the audit trail as a list.</item>
/// </list>
/// A batch is one Lua script call: one round trip, atomic, and idempotent by batch id.
/// </summary>
public sealed partial class RedisEventStore : IEventStore
{
    private const int DedupeSeconds = 7 * 24 * 3600;
    private readonly ConnectionMultiplexer _redis;
    private readonly RedisKey[] _prefix;
    private readonly string _description;

    private RedisEventStore(ConnectionMultiplexer redis, string prefix, string description)
    {
        _redis = redis;
        Prefix = prefix;
        _prefix = [prefix];
        _description = description;
    }

    public string Prefix { get; }

    public string Description => _description;

    public ConnectionMultiplexer Connection => _redis;

    private IDatabase Db => _redis.GetDatabase();

    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c>.</param>
    public static async Task<RedisEventStore> ConnectAsync(string configuration, string prefix = "fp:")
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false; // start while Redis is down: events spool until it is back
        options.ConnectTimeout = 3000;
        options.SyncTimeout = 5000;
        ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        string endpoints = string.Join(",", options.EndPoints.Select(static e => e.ToString()));
        return new RedisEventStore(redis, prefix, $"redis {endpoints} (prefix {prefix})");
    }

    public async Task PingAsync(CancellationToken cancellationToken) => await Db.PingAsync().ConfigureAwait(false);

    /// <summary>
    /// Events per script call. A batch is sent as several calls pipelined on the one connection (no wait between
    /// them), so this process serialises the next part while Redis runs the previous one; Redis runs them in order.
    /// Each part has its own idempotency key, so a replayed batch is still stored exactly once.
    /// </summary>
    internal const int PartSize = 100;

    public async Task<bool> AppendAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        var parts = new List<Task<RedisResult>>((batch.Events.Count / PartSize) + 1);
        for (int start = 0, part = 0; start < batch.Events.Count; start += PartSize, part++)
        {
            int count = Math.Min(PartSize, batch.Events.Count - start);
            parts.Add(Db.ScriptEvaluateAsync(RedisScripts.AppendBatch, _prefix, Arguments(batch.Id + "#" + part, batch.Events, start, count)));
        }

        bool stored = false;
        foreach (Task<RedisResult> part in parts)
        {
            stored |= (long)await part.ConfigureAwait(false) == 1;
        }

        return stored;
    }

    private static RedisValue[] Arguments(string id, IReadOnlyList<FilterEvent> events, int start, int count)
    {
        var args = new List<RedisValue>(3 + (count * 2) + 12) { id, DedupeSeconds, count };
        var daily = new DailyCounts();
        for (int i = start; i < start + count; i++)
        {
            FilterEvent e = events[i];
            args.Add(string.Create(CultureInfo.InvariantCulture, $"{(e.IsBlocked ? "blocked" : "allowed")}\t{e.Time.ToUnixTimeMilliseconds()}\t{Field(e.User)}\t{Field(e.Device)}\t{Field(e.ClientIp)}"));
            args.Add(EventJson.SerializeToUtf8(e));
            daily.Add(e);
        }

        foreach ((string day, string kind, string verdict, long n) in daily.Entries)
        {
            args.Add(day);
            args.Add(kind + "|" + verdict);
            args.Add(n);
        }

        return [.. args];
    }

    private static string Field(string? value) => value is null ? "" : value.Replace('\t', ' ');


    public async Task<IReadOnlyList<FilterEvent>> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        int limit = Math.Clamp(query.Limit, 0, EventQuery.MaxLimit);
        var result = new List<FilterEvent>(Math.Min(limit, 1024));
        if (limit == 0)
        {
            return result;
        }

        string? index = query.User is not null ? "idx:user:" + query.User
            : query.Device is not null ? "idx:device:" + query.Device
            : query.ClientIp is not null ? "idx:client:" + query.ClientIp
            : null;
        if (index is not null)
        {
            await ReadIndexAsync(Prefix + index, query, limit, result).ConfigureAwait(false);
        }
        else
        {
            await ScanStreamsAsync(query, limit, result, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task ReadIndexAsync(string key, EventQuery query, int limit, List<FilterEvent> result)
    {
        string max = query.Until is { } until ? "(" + until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "+inf";
        string min = query.Since is { } since ? since.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "-inf";
        int offset = 0;
        int page = Math.Min(Math.Max(limit, 64), 2000);
        while (result.Count < limit)
        {
            var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.ReadIndex, [Prefix, key], [max, min, offset, page]).ConfigureAwait(false))!;
            int examined = int.Parse((string)reply[^1]!, CultureInfo.InvariantCulture);
            for (int i = 0; i < reply.Length - 1 && result.Count < limit; i++)
            {
                FilterEvent e = EventJson.Event((byte[])reply[i]!);
                if (query.Matches(e))
                {
                    result.Add(e);
                }
            }

            // Entries the script removed (trimmed events) shift the rest down.
            offset += reply.Length - 1;
            if (examined < page)
            {
                return;
            }
        }
    }

    /// <summary>Without a user, device or client: newest first across both streams, filtered here, examining at most 200,000 entries.</summary>
    private async Task ScanStreamsAsync(EventQuery query, int limit, List<FilterEvent> result, CancellationToken cancellationToken)
    {
        string[] streams = query.Blocked switch { true => ["blocked"], false => ["allowed"], null => ["allowed", "blocked"] };
        var cursors = streams.Select(s => new StreamCursor(Prefix + "events:" + s, query.Until)).ToArray();
        int examined = 0;
        while (result.Count < limit && examined < 200_000)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (StreamCursor c in cursors)
            {
                if (c.Buffer.Count == 0 && !c.Done)
                {
                    examined += await c.FillAsync(Db, 500).ConfigureAwait(false);
                }
            }

            // Take the newest head among the streams.
            StreamCursor? best = null;
            foreach (StreamCursor c in cursors)
            {
                if (c.Buffer.Count > 0 && (best is null || c.Buffer.Peek().Time > best.Buffer.Peek().Time))
                {
                    best = c;
                }
            }

            if (best is null)
            {
                return;
            }

            FilterEvent e = best.Buffer.Dequeue();
            if (query.Since is { } since && e.Time < since && best.Buffer.Count == 0)
            {
                best.Done = true; // streams are (nearly) in time order: older pages cannot match
            }

            if (query.Matches(e))
            {
                result.Add(e);
            }
        }
    }

    private sealed class StreamCursor(string key, DateTimeOffset? until)
    {
        private string _end = until is { } u ? u.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "+";

        public Queue<FilterEvent> Buffer { get; } = new();
        public bool Done { get; set; }

        public async Task<int> FillAsync(IDatabase db, int count)
        {
            var reply = (RedisResult[])(await db.ExecuteAsync("XREVRANGE", key, _end, "-", "COUNT", count).ConfigureAwait(false))!;
            foreach (RedisResult entry in reply)
            {
                var parts = (RedisResult[])entry!;
                var fields = (RedisResult[])parts[1]!;
                Buffer.Enqueue(EventJson.Event((byte[])fields[1]!));
                _end = "(" + (string)parts[0]!;
            }

            Done = reply.Length < count;
            return reply.Length;
        }
    }

    public async Task<IReadOnlyList<DayCount>> CountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var result = new List<DayCount>();
        for (DateOnly day = from; day <= to; day = day.AddDays(1))
        {
            HashEntry[] entries = await Db.HashGetAllAsync(Prefix + "day:" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ConfigureAwait(false);
            foreach (HashEntry h in entries.OrderBy(static h => (string)h.Name!, StringComparer.Ordinal))
            {
                string field = h.Name!;
                int bar = field.IndexOf('|', StringComparison.Ordinal);
                result.Add(new DayCount(day, field[..bar], field[(bar + 1)..], (long)h.Value));
            }
        }

        return result;
    }

    public async Task SaveAlertAsync(Alert alert, CancellationToken cancellationToken) =>
        await Db.ScriptEvaluateAsync(RedisScripts.SaveAlert, _prefix,
            [alert.Id, alert.Created.ToUnixTimeMilliseconds(), Alert.StatusName(alert.Status), EventJson.Serialize(alert)]).ConfigureAwait(false);

    public async Task<Alert?> GetAlertAsync(string id, CancellationToken cancellationToken)
    {
        RedisValue doc = await Db.HashGetAsync(Prefix + "alert:" + id, "doc").ConfigureAwait(false);
        return doc.IsNull ? null : EventJson.Alert(doc!);
    }

    public async Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        var result = new List<Alert>();
        double min = query.Since?.ToUnixTimeMilliseconds() ?? double.NegativeInfinity;
        long offset = 0;
        const int page = 500;
        while (result.Count < query.Limit)
        {
            RedisValue[] ids = await Db.SortedSetRangeByScoreAsync(Prefix + "alerts", min, double.PositiveInfinity, Exclude.None, Order.Descending, offset, page).ConfigureAwait(false);
            Task<RedisValue>[] docs = [.. ids.Select(id => Db.HashGetAsync(Prefix + "alert:" + id, "doc"))];
            foreach (RedisValue doc in await Task.WhenAll(docs).ConfigureAwait(false))
            {
                if (!doc.IsNull && EventJson.Alert(doc!) is { } a && query.Matches(a) && result.Count < query.Limit)
                {
                    result.Add(a);
                }
            }

            if (ids.Length < page)
            {
                break;
            }

            offset += page;
        }

        return result;
    }

    public async Task<AuditEntry> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            RedisValue last = await Db.ListGetByIndexAsync(Prefix + "audit", -1).ConfigureAwait(false);
            AuditEntry entry = AuditChain.Next(last.IsNull ? null : AuditJson.Entry(last!), record);
            RedisResult ok = await Db.ScriptEvaluateAsync(RedisScripts.AppendAudit, _prefix, [entry.Seq, EventJson.Serialize(entry)]).ConfigureAwait(false);
            if ((long)ok == 1)
            {
                return entry;
            }

            if (attempt == 20)
            {
                throw new InvalidOperationException("the audit trail kept changing under this writer (another node writing); gave up after 20 attempts");
            }
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int page = 1000;
        for (long start = 0; ; start += page)
        {
            RedisValue[] entries = await Db.ListRangeAsync(Prefix + "audit", start, start + page - 1).ConfigureAwait(false);
            foreach (RedisValue e in entries)
            {
                yield return AuditJson.Entry(e!);
            }

            if (entries.Length < page)
            {
                yield break;
            }
        }
    }

    public async Task<RetentionResult> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long events = 0;
        foreach ((string stream, TimeSpan keep) in new[] { ("allowed", policy.Allowed), ("blocked", policy.Blocked) })
        {
            string minId = (now - keep).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            events += (long)await Db.ExecuteAsync("XTRIM", Prefix + "events:" + stream, "MINID", minId).ConfigureAwait(false);
        }

        // Index entries of trimmed events: by score past the longer retention here; entries of allowed events
        // trimmed earlier are removed when a timeline read meets them.
        TimeSpan longest = policy.Blocked > policy.Allowed ? policy.Blocked : policy.Allowed;
        double cutoff = (now - longest).ToUnixTimeMilliseconds();
        IServer server = _redis.GetServer(_redis.GetEndPoints()[0]);
        foreach (RedisKey key in server.Keys(pattern: Prefix + "idx:*", pageSize: 1000))
        {
            await Db.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, cutoff, Exclude.Stop).ConfigureAwait(false);
        }

        string oldestDay = DailyCounts.Name(now - longest);
        foreach (RedisKey key in server.Keys(pattern: Prefix + "day:*", pageSize: 1000))
        {
            if (string.CompareOrdinal(((string)key!)[(Prefix.Length + 4)..], oldestDay) < 0)
            {
                await Db.KeyDeleteAsync(key).ConfigureAwait(false);
            }
        }

        long alerts = 0;
        string alertCutoff = (now - policy.Alerts).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            long n = (long)await Db.ScriptEvaluateAsync(RedisScripts.PurgeAlerts, _prefix, [alertCutoff]).ConfigureAwait(false);
            alerts += n;
            if (n < 5000)
            {
                break;
            }
        }

        return new RetentionResult(events, alerts);
    }

    public ValueTask DisposeAsync()
    {
        // Close without waiting for in-flight commands (SE.Redis 1.2.6's Dispose waits about a second for them;
        // every write this store makes has been awaited by then).
        _redis.Close(allowCommandsToComplete: false);
        _redis.Dispose();
        return ValueTask.CompletedTask;
    }
}
