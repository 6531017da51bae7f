using System.Globalization;
using System.Text;
using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;
using Microsoft.Data.Sqlite;

namespace FilterProxy.Events.Stores.Sqlite;

public sealed partial class SqliteEventStore
{
    public Task<bool> AppendAsync(EventBatch batch, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        await using (SqliteCommand seen = c.CreateCommand())
        {
            seen.Transaction = tx;
            seen.CommandText = "INSERT OR IGNORE INTO batches (id, time) VALUES ($id, $time)";
            seen.Parameters.AddWithValue("$id", batch.Id);
            seen.Parameters.AddWithValue("$time", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            if (await seen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false; // stored before: a replay after an uncertain write
            }
        }

        await using SqliteCommand insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO events (time, kind, node, seq, client, device, user, blocked, json) VALUES ($t, $k, $n, $s, $c, $d, $u, $b, $j)";
        SqliteParameter t = insert.Parameters.Add("$t", SqliteType.Integer);
        SqliteParameter k = insert.Parameters.Add("$k", SqliteType.Text);
        SqliteParameter n = insert.Parameters.Add("$n", SqliteType.Text);
        SqliteParameter s = insert.Parameters.Add("$s", SqliteType.Integer);
        SqliteParameter cl = insert.Parameters.Add("$c", SqliteType.Text);
        SqliteParameter d = insert.Parameters.Add("$d", SqliteType.Text);
        SqliteParameter u = insert.Parameters.Add("$u", SqliteType.Text);
        SqliteParameter b = insert.Parameters.Add("$b", SqliteType.Integer);
        SqliteParameter j = insert.Parameters.Add("$j", SqliteType.Blob);
        var daily = new Dictionary<(string Day, string Kind, string Verdict), long>();
        var days = new DayNames();
        foreach (FilterEvent e in batch.Events)
        {
            t.Value = e.Time.ToUnixTimeMilliseconds();
            k.Value = FilterEvent.KindName(e.Kind);
            n.Value = (object?)e.Node ?? DBNull.Value;
            s.Value = e.Seq;
            cl.Value = (object?)e.ClientIp ?? DBNull.Value;
            d.Value = (object?)e.Device ?? DBNull.Value;
            u.Value = (object?)e.User ?? DBNull.Value;
            b.Value = e.IsBlocked ? 1 : 0;
            j.Value = EventJson.SerializeToUtf8(e); // UTF-8 as written by the serialiser: half the bytes of a string, no conversion
            insert.ExecuteNonQuery(); // Microsoft.Data.Sqlite runs it synchronously either way; this skips the Task per row
            var key = (days.Of(e.Time), FilterEvent.KindName(e.Kind), e.Verdict);
            daily[key] = daily.GetValueOrDefault(key) + 1;
        }

        await using SqliteCommand count = c.CreateCommand();
        count.Transaction = tx;
        count.CommandText = "INSERT INTO daily (day, kind, verdict, count) VALUES ($d, $k, $v, $n) ON CONFLICT (day, kind, verdict) DO UPDATE SET count = count + excluded.count";
        SqliteParameter cd = count.Parameters.Add("$d", SqliteType.Text);
        SqliteParameter ck = count.Parameters.Add("$k", SqliteType.Text);
        SqliteParameter cv = count.Parameters.Add("$v", SqliteType.Text);
        SqliteParameter cn = count.Parameters.Add("$n", SqliteType.Integer);
        foreach (((string day, string kind, string verdict), long value) in daily)
        {
            (cd.Value, ck.Value, cv.Value, cn.Value) = (day, kind, verdict, value);
            await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }, cancellationToken);

    /// <summary>"yyyy-MM-dd" of a time, formatted once per day seen (a batch nearly always spans one day).</summary>
    internal struct DayNames
    {
        private long _day;
        private string? _name;

        public string Of(DateTimeOffset time)
        {
            long day = time.ToUnixTimeMilliseconds() / 86_400_000;
            if (_name is null || day != _day)
            {
                (_day, _name) = (day, Day(time));
            }

            return _name;
        }
    }

    internal static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task<IReadOnlyList<FilterEvent>> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT json FROM events");
        await using SqliteConnection c = await ReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand cmd = c.CreateCommand();
        string and = " WHERE ";
        void Where(string clause, string name, object value)
        {
            sql.Append(and).Append(clause);
            and = " AND ";
            cmd.Parameters.AddWithValue(name, value);
        }

        if (query.User is not null)
        {
            Where("user = $user", "$user", query.User);
        }

        if (query.Device is not null)
        {
            Where("device = $device", "$device", query.Device);
        }

        if (query.ClientIp is not null)
        {
            Where("client = $client", "$client", query.ClientIp);
        }

        if (query.Kind is { } kind)
        {
            Where("kind = $kind", "$kind", FilterEvent.KindName(kind));
        }

        if (query.Blocked is { } blocked)
        {
            Where("blocked = $blocked", "$blocked", blocked ? 1 : 0);
        }

        if (query.Since is { } since)
        {
            Where("time >= $since", "$since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            Where("time < $until", "$until", until.ToUnixTimeMilliseconds());
        }

        sql.Append(" ORDER BY time DESC, id DESC LIMIT $limit");
        cmd.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 0, EventQuery.MaxLimit));
        cmd.CommandText = sql.ToString();
        var result = new List<FilterEvent>();
        await using SqliteDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(EventJson.Event(reader.GetFieldValue<byte[]>(0)));
        }

        return result;
    }

    public async Task<IReadOnlyList<DayCount>> CountsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using SqliteConnection c = await ReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT day, kind, verdict, count FROM daily WHERE day >= $from AND day <= $to ORDER BY day, kind, verdict";
        cmd.Parameters.AddWithValue("$from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var result = new List<DayCount>();
        await using SqliteDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DayCount(DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return result;
    }

    public Task<RetentionResult> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken) => PurgeCoreAsync(policy, now, cancellationToken);

    private async Task<RetentionResult> PurgeCoreAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // In chunks, each its own transaction, so the writer never waits long behind a purge.
        async Task<long> Chunked(string sql, long cutoff)
        {
            long total = 0;
            while (true)
            {
                int n = await WriteAsync(async (c, tx) =>
                {
                    await using SqliteCommand cmd = c.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = sql;
                    cmd.Parameters.AddWithValue("$cutoff", cutoff);
                    return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                total += n;
                if (n < 5000)
                {
                    return total;
                }
            }
        }

        long events = await Chunked("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time < $cutoff AND blocked = 0 LIMIT 5000)", (now - policy.Allowed).ToUnixTimeMilliseconds()).ConfigureAwait(false);
        events += await Chunked("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time < $cutoff AND blocked = 1 LIMIT 5000)", (now - policy.Blocked).ToUnixTimeMilliseconds()).ConfigureAwait(false);
        long alerts = await Chunked("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE updated < $cutoff AND status = 'resolved' LIMIT 5000)", (now - policy.Alerts).ToUnixTimeMilliseconds()).ConfigureAwait(false);
        TimeSpan longest = policy.Blocked > policy.Allowed ? policy.Blocked : policy.Allowed;
        await WriteAsync(async (c, tx) =>
        {
            await using SqliteCommand cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM daily WHERE day < $day; DELETE FROM batches WHERE time < $batches";
            cmd.Parameters.AddWithValue("$day", Day(now - longest));
            cmd.Parameters.AddWithValue("$batches", (now - TimeSpan.FromDays(7)).ToUnixTimeMilliseconds());
            return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return new RetentionResult(events, alerts);
    }
}
