using System.Globalization;
using System.Runtime.CompilerServices;
using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;
using FilterProxy.Events.Serialization;
using StackExchange.Redis;

namespace FilterProxy.Events.Stores.Redis;

/// <summary>
/// The production and multi-site store (StackExchange.Redis 3.x, one shared multiplexer):
/// <list type="bullet">
/// <item>events in two streams, <c>events:allowed</c> and <c>events:blocked</c> (each trimmed by time for its own retention),</item>
/// <item>per-user, per-device and per-client timelines as sorted sets (score = event time) pointing into the streams,</item>
/// <item>per-day counts in one hash per day, alerts as hashes with a sorted set by time, the audit trail as a list.</item>
/// </list>
/// A batch is one Lua script call: one round trip, atomic, and idempotent by batch id. Everything else uses the
/// client's own commands: stream reads and trims (<c>StreamRangeAsync</c>, <c>StreamTrimByMinIdAsync</c>), and
/// transactions with conditions where two writes must happen together or not at all (alerts, the audit trail).
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
        // While Redis is unreachable a write fails at once, so the pipeline puts the batch in its spool on disk
        // (durable, replayed in order) instead of the client holding it in memory until a reconnect (its default
        // backlog): a gateway restarted during an outage must not lose what it had accepted.
        options.BacklogPolicy = BacklogPolicy.FailFast;
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
        double maxScore = query.Until is { } until ? until.ToUnixTimeMilliseconds() : double.PositiveInfinity;
        double minScore = query.Since is { } since ? since.ToUnixTimeMilliseconds() : double.NegativeInfinity;
        int offset = 0;
        int page = Math.Min(Math.Max(limit, 64), 2000);
        IDatabase db = Db;
        while (result.Count < limit)
        {
            RedisValue[] members = await db.SortedSetRangeByScoreAsync(key, minScore, maxScore, Exclude.Stop, Order.Descending, offset, page).ConfigureAwait(false);
            // One read per entry, all sent at once on the one connection (pipelined): the page costs one round trip.
            var reads = new Task<StreamEntry[]>[members.Length];
            for (int i = 0; i < members.Length; i++)
            {
                string m = members[i]!;
                int bar = m.IndexOf('|', StringComparison.Ordinal);
                string id = m[(bar + 1)..];
                reads[i] = db.StreamRangeAsync(Prefix + "events:" + m[..bar], id, id, 1);
            }

            var trimmed = new List<RedisValue>();
            for (int i = 0; i < members.Length; i++)
            {
                StreamEntry[] found = await reads[i].ConfigureAwait(false);
                if (found.Length == 0)
                {
                    trimmed.Add(members[i]); // its event was trimmed by retention: the index entry goes too
                    continue;
                }

                FilterEvent e = EventJson.Event((byte[])found[0]["e"]!);
                if (result.Count < limit && query.Matches(e))
                {
                    result.Add(e);
                }
            }

            if (trimmed.Count > 0)
            {
                await db.SortedSetRemoveAsync(key, [.. trimmed]).ConfigureAwait(false);
            }

            // Entries removed here shift the rest down.
            offset += members.Length - trimmed.Count;
            if (members.Length < page)
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
            StreamEntry[] reply = await db.StreamRangeAsync(key, "-", _end, count, Order.Descending).ConfigureAwait(false);
            foreach (StreamEntry entry in reply)
            {
                Buffer.Enqueue(EventJson.Event((byte[])entry["e"]!));
                _end = "(" + (string)entry.Id!;
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

    /// <summary>The alert's document and its place in the time index, together (one MULTI/EXEC).</summary>
    public async Task SaveAlertAsync(Alert alert, CancellationToken cancellationToken)
    {
        ITransaction tx = Db.CreateTransaction();
        _ = tx.HashSetAsync(Prefix + "alert:" + alert.Id, [new HashEntry("status", Alert.StatusName(alert.Status)), new HashEntry("doc", EventJson.Serialize(alert))]);
        _ = tx.SortedSetAddAsync(Prefix + "alerts", alert.Id, alert.Created.ToUnixTimeMilliseconds());
        await tx.ExecuteAsync().ConfigureAwait(false);
    }

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
            // Appended only if the trail is still as long as when its last entry was read (another node may write).
            ITransaction tx = Db.CreateTransaction();
            tx.AddCondition(Condition.ListLengthEqual(Prefix + "audit", entry.Seq - 1));
            _ = tx.ListRightPushAsync(Prefix + "audit", EventJson.Serialize(entry));
            if (await tx.ExecuteAsync().ConfigureAwait(false))
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
            events += await Db.StreamTrimByMinIdAsync(Prefix + "events:" + stream, minId).ConfigureAwait(false);
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
        double alertCutoff = (now - policy.Alerts).ToUnixTimeMilliseconds();
        IDatabase db = Db;
        for (long offset = 0; ; offset += 5000)
        {
            // Resolved alerts created before the cutoff go; the others stay (and keep their place, hence the offset).
            RedisValue[] ids = await db.SortedSetRangeByScoreAsync(Prefix + "alerts", double.NegativeInfinity, alertCutoff, Exclude.None, Order.Ascending, offset, 5000).ConfigureAwait(false);
            Task<RedisValue>[] statuses = [.. ids.Select(id => db.HashGetAsync(Prefix + "alert:" + id, "status"))];
            RedisValue[] status = await Task.WhenAll(statuses).ConfigureAwait(false);
            RedisValue[] resolved = [.. ids.Where((_, i) => status[i] == "resolved")];
            foreach (RedisValue id in resolved)
            {
                ITransaction tx = db.CreateTransaction();
                _ = tx.KeyDeleteAsync(Prefix + "alert:" + id);
                _ = tx.SortedSetRemoveAsync(Prefix + "alerts", id);
                await tx.ExecuteAsync().ConfigureAwait(false);
            }

            alerts += resolved.Length;
            offset -= resolved.Length;
            if (ids.Length < 5000)
            {
                break;
            }
        }

        return new RetentionResult(events, alerts);
    }

    public ValueTask DisposeAsync()
    {
        // Close without waiting for in-flight commands (every write this store makes has been awaited by then).
        _redis.Close(allowCommandsToComplete: false);
        _redis.Dispose();
        return ValueTask.CompletedTask;
    }
}
