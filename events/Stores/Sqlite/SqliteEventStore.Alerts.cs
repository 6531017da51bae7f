using System.Runtime.CompilerServices;
using System.Text;
using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;
using FilterProxy.Events.Serialization;
using Microsoft.Data.Sqlite;

namespace FilterProxy.Events.Stores.Sqlite;

public sealed partial class SqliteEventStore
{
    public Task SaveAlertAsync(Alert alert, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO alerts (id, created, updated, status, severity, subject, json) VALUES ($id, $c, $u, $st, $sv, $sub, $j)
            ON CONFLICT (id) DO UPDATE SET updated = excluded.updated, status = excluded.status, severity = excluded.severity, json = excluded.json
            """;
        cmd.Parameters.AddWithValue("$id", alert.Id);
        cmd.Parameters.AddWithValue("$c", alert.Created.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$u", alert.Updated.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$st", Alert.StatusName(alert.Status));
        cmd.Parameters.AddWithValue("$sv", (int)alert.Severity);
        cmd.Parameters.AddWithValue("$sub", alert.Subject);
        cmd.Parameters.AddWithValue("$j", EventJson.Serialize(alert));
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    public async Task<Alert?> GetAlertAsync(string id, CancellationToken cancellationToken)
    {
        await using SqliteConnection c = await ReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT json FROM alerts WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? EventJson.Alert(json) : null;
    }

    public async Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken)
    {
        await using SqliteConnection c = await ReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand cmd = c.CreateCommand();
        var sql = new StringBuilder("SELECT json FROM alerts WHERE 1 = 1");
        if (query.Status is { } status)
        {
            sql.Append(" AND status = $status");
            cmd.Parameters.AddWithValue("$status", Alert.StatusName(status));
        }

        if (query.MinSeverity is { } severity)
        {
            sql.Append(" AND severity >= $severity");
            cmd.Parameters.AddWithValue("$severity", (int)severity);
        }

        if (query.Subject is not null)
        {
            sql.Append(" AND subject = $subject");
            cmd.Parameters.AddWithValue("$subject", query.Subject);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND created >= $since");
            cmd.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        sql.Append(" ORDER BY created DESC, id DESC LIMIT $limit");
        cmd.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 0, EventQuery.MaxLimit));
        cmd.CommandText = sql.ToString();
        var result = new List<Alert>();
        await using SqliteDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(EventJson.Alert(reader.GetString(0)));
        }

        return result;
    }

    public Task<AuditEntry> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken) => WriteAsync(async (c, tx) =>
    {
        AuditEntry? last = null;
        await using (SqliteCommand read = c.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT seq, time, actor, action, target, detail, prev, hash FROM audit ORDER BY seq DESC LIMIT 1";
            await using SqliteDataReader r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                last = ReadAudit(r);
            }
        }

        AuditEntry entry = AuditChain.Next(last, record);
        await using SqliteCommand insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO audit (seq, time, actor, action, target, detail, prev, hash) VALUES ($s, $t, $a, $ac, $tg, $d, $p, $h)";
        insert.Parameters.AddWithValue("$s", entry.Seq);
        insert.Parameters.AddWithValue("$t", entry.Time.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$a", entry.Actor);
        insert.Parameters.AddWithValue("$ac", entry.Action);
        insert.Parameters.AddWithValue("$tg", entry.Target);
        insert.Parameters.AddWithValue("$d", (object?)entry.Detail ?? DBNull.Value);
        insert.Parameters.AddWithValue("$p", entry.PreviousHash);
        insert.Parameters.AddWithValue("$h", entry.Hash);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }, cancellationToken);

    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using SqliteConnection c = await ReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, time, actor, action, target, detail, prev, hash FROM audit ORDER BY seq";
        await using SqliteDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadAudit(r);
        }
    }

    private static AuditEntry ReadAudit(SqliteDataReader r) => new(
        r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.GetString(7));
}
