using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
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

        var daily = new DailyCounts();
        var blocks = new Dictionary<(int Day, bool Blocked), EventBlock>();
        using Utf8JsonWriter writer = EventJson.CreateWriter(new ArrayBufferWriter<byte>(1));
        foreach (FilterEvent e in batch.Events)
        {
            int day = DailyCounts.Number(e.Time);
            if (!blocks.TryGetValue((day, e.IsBlocked), out EventBlock? block))
            {
                blocks[(day, e.IsBlocked)] = block = new EventBlock(e.IsBlocked, RentBuffer());
            }

            block.Add(e, writer);
            daily.Add(e);
        }

        await using SqliteCommand insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO blocks (first, last, blocked, count, data, layout) VALUES ($f, $l, $b, $n, X'', 2); SELECT last_insert_rowid()";
        SqliteParameter bf = insert.Parameters.Add("$f", SqliteType.Integer);
        SqliteParameter bl = insert.Parameters.Add("$l", SqliteType.Integer);
        SqliteParameter bb = insert.Parameters.Add("$b", SqliteType.Integer);
        SqliteParameter bn = insert.Parameters.Add("$n", SqliteType.Integer);
        await using SqliteCommand chunk = c.CreateCommand();
        chunk.Transaction = tx;
        chunk.CommandText = "INSERT INTO chunks (id, size, data) VALUES ($id, $size, $data)";
        SqliteParameter cid = chunk.Parameters.Add("$id", SqliteType.Integer);
        SqliteParameter csize = chunk.Parameters.Add("$size", SqliteType.Integer);
        SqliteParameter cdata = chunk.Parameters.Add("$data", SqliteType.Blob);
        await using SqliteCommand index = c.CreateCommand();
        index.Transaction = tx;
        index.CommandText = "INSERT INTO refs (key, first, last, block, slices) VALUES ($k, $f, $l, $id, $s)";
        SqliteParameter rk = index.Parameters.Add("$k", SqliteType.Text);
        SqliteParameter rf = index.Parameters.Add("$f", SqliteType.Integer);
        SqliteParameter rl = index.Parameters.Add("$l", SqliteType.Integer);
        SqliteParameter rid = index.Parameters.Add("$id", SqliteType.Integer);
        SqliteParameter rs = index.Parameters.Add("$s", SqliteType.Blob);
        foreach (EventBlock block in blocks.Values)
        {
            (bf.Value, bl.Value, bb.Value, bn.Value) = (block.First, block.Last, block.Blocked ? 1 : 0, block.Count);
            long id = (long)insert.ExecuteScalar()!;
            for (int n = 0; n < block.ChunkCount; n++)
            {
                ReadOnlySpan<byte> lines = block.Chunk(n);
                (cid.Value, csize.Value, cdata.Value) = (SqliteSchema.ChunkId(id, n), lines.Length, Compress(lines));
                chunk.ExecuteNonQuery();
            }

            ReturnBuffer(block.Buffer);
            rid.Value = id;
            foreach ((string key, EventBlock.Ref r) in block.Refs)
            {
                (rk.Value, rf.Value, rl.Value, rs.Value) = (key, r.First, r.Last, r.Slices.ToArray());
                index.ExecuteNonQuery();
            }
        }

        await using SqliteCommand count = c.CreateCommand();
        count.Transaction = tx;
        count.CommandText = "INSERT INTO daily (day, kind, verdict, count) VALUES ($d, $k, $v, $n) ON CONFLICT (day, kind, verdict) DO UPDATE SET count = count + excluded.count";
        SqliteParameter cd = count.Parameters.Add("$d", SqliteType.Text);
        SqliteParameter ck = count.Parameters.Add("$k", SqliteType.Text);
        SqliteParameter cv = count.Parameters.Add("$v", SqliteType.Text);
        SqliteParameter cn = count.Parameters.Add("$n", SqliteType.Integer);
        foreach ((string day, string kind, string verdict, long value) in daily.Entries)
        {
            (cd.Value, ck.Value, cv.Value, cn.Value) = (day, kind, verdict, value);
            await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }, cancellationToken);

    private byte[] _compressed = new byte[BrotliEncoder.GetMaxCompressedLength(SqliteSchema.ChunkBytes)];

    private byte[] Compress(ReadOnlySpan<byte> lines)
    {
        int most = BrotliEncoder.GetMaxCompressedLength(lines.Length);
        if (_compressed.Length < most)
        {
            _compressed = new byte[most];
        }

        return BrotliEncoder.TryCompress(lines, _compressed, out int written, SqliteSchema.ChunkQuality, SqliteSchema.ChunkWindow)
            ? _compressed[..written]
            : throw new InvalidOperationException("Brotli could not compress an event chunk");
    }

    private static byte[] Decompress(SqliteDataReader row)
    {
        byte[] lines = new byte[row.GetInt32(0)];
        return BrotliDecoder.TryDecompress(row.GetFieldValue<byte[]>(1), lines, out int written) && written == lines.Length
            ? lines
            : throw new InvalidDataException("an event chunk does not decompress to its recorded size (the events file is damaged)");
    }

    // Block buffers, reused across batches (writes are serialised by the write gate): they grow to a batch's size once.
    private readonly Stack<ArrayBufferWriter<byte>> _buffers = new();

    private ArrayBufferWriter<byte> RentBuffer()
    {
        if (_buffers.TryPop(out ArrayBufferWriter<byte>? buffer))
        {
            buffer.ResetWrittenCount();
            return buffer;
        }

        return new ArrayBufferWriter<byte>(256 * 1024);
    }

    private void ReturnBuffer(ArrayBufferWriter<byte> buffer)
    {
        if (_buffers.Count < 4)
        {
            _buffers.Push(buffer);
        }
    }

    public async Task<IReadOnlyList<FilterEvent>> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        int limit = Math.Clamp(query.Limit, 0, EventQuery.MaxLimit);
        var found = new List<(FilterEvent Event, long Block, int Position)>();
        if (limit == 0)
        {
            return [];
        }

        string? key = query.User is not null ? "u:" + query.User
            : query.Device is not null ? "d:" + query.Device
            : query.ClientIp is not null ? "c:" + query.ClientIp
            : query.Kind is { } kind ? "k:" + FilterEvent.KindName(kind)
            : null;
        await using SqliteConnection c = await ReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand cmd = c.CreateCommand();
        var sql = new StringBuilder(key is null
            ? "SELECT b.id, NULL, b.last, b.layout FROM blocks b WHERE 1 = 1"
            : "SELECT r.block, r.slices, r.last, b.layout FROM refs r JOIN blocks b ON b.id = r.block WHERE r.key = $key");
        if (key is not null)
        {
            cmd.Parameters.AddWithValue("$key", key);
        }

        if (query.Blocked is { } blocked)
        {
            sql.Append(" AND b.blocked = $blocked");
            cmd.Parameters.AddWithValue("$blocked", blocked ? 1 : 0);
        }

        if (query.Since is { } since)
        {
            sql.Append(key is null ? " AND b.last >= $since" : " AND r.last >= $since");
            cmd.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            sql.Append(key is null ? " AND b.first < $until" : " AND r.first < $until");
            cmd.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        }

        sql.Append(key is null ? " ORDER BY b.last DESC, b.id DESC" : " ORDER BY r.last DESC, r.block DESC");
        cmd.CommandText = sql.ToString();
        await using SqliteCommand chunks = c.CreateCommand();
        chunks.Parameters.Add("$from", SqliteType.Integer);
        chunks.Parameters.Add("$to", SqliteType.Integer);
        await using SqliteDataReader reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long block = reader.GetInt64(0);
            long last = reader.GetInt64(2);
            // Rows come newest block first: once `limit` events are in hand and this block ends before the
            // limit-th newest of them, nothing further can be newer.
            if (found.Count >= limit)
            {
                found.Sort(static (a, b) => Newest(b, a));
                found.RemoveRange(limit, found.Count - limit);
                if (last < found[^1].Event.Time.ToUnixTimeMilliseconds())
                {
                    break;
                }
            }

            byte[]? slices = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
            if (reader.GetInt32(3) == SqliteSchema.BlobLayout)
            {
                ReadBlobBlock(c, block, slices, query, found);
            }
            else
            {
                ReadBlock(chunks, block, slices, query, found);
            }
        }

        found.Sort(static (a, b) => Newest(b, a));
        return [.. found.Take(limit).Select(static f => f.Event)];
    }

    private static int Newest((FilterEvent Event, long Block, int Position) a, (FilterEvent Event, long Block, int Position) b)
    {
        int byTime = a.Event.Time.CompareTo(b.Event.Time);
        return byTime != 0 ? byTime : a.Block != b.Block ? a.Block.CompareTo(b.Block) : a.Position.CompareTo(b.Position);
    }

    /// <summary>The block's events that match: those the slices point at (one chunk row read per chunk), or every line.</summary>
    private static void ReadBlock(SqliteCommand chunks, long block, byte[]? slices, EventQuery query, List<(FilterEvent, long, int)> found)
    {
        if (slices is null)
        {
            chunks.CommandText = "SELECT size, data FROM chunks WHERE id >= $from AND id < $to ORDER BY id";
            chunks.Parameters["$from"].Value = SqliteSchema.ChunkId(block, 0);
            chunks.Parameters["$to"].Value = SqliteSchema.ChunkId(block + 1, 0);
            using SqliteDataReader all = chunks.ExecuteReader();
            int position = 0;
            while (all.Read())
            {
                AddLines(Decompress(all), block, ref position, query, found);
            }

            return;
        }

        chunks.CommandText = "SELECT size, data FROM chunks WHERE id = $from";
        byte[]? data = null;
        int loaded = -1;
        for (int i = 0; i + EventBlock.Ref.SliceBytes <= slices.Length; i += EventBlock.Ref.SliceBytes)
        {
            int chunk = BinaryPrimitives.ReadInt32LittleEndian(slices.AsSpan(i));
            int offset = BinaryPrimitives.ReadInt32LittleEndian(slices.AsSpan(i + 4));
            int length = BinaryPrimitives.ReadInt32LittleEndian(slices.AsSpan(i + 8));
            if (chunk != loaded)
            {
                chunks.Parameters["$from"].Value = SqliteSchema.ChunkId(block, chunk);
                using SqliteDataReader one = chunks.ExecuteReader();
                data = one.Read() ? Decompress(one) : throw new InvalidDataException($"event block {block} has no chunk {chunk}");
                loaded = chunk;
            }

            Add(EventJson.Event(data.AsSpan(offset, length)), block, i, query, found); // slices are in stored order
        }
    }

    /// <summary>A block written before chunk rows (layout 1): one blob, slices of (offset, length) into it.</summary>
    private static void ReadBlobBlock(SqliteConnection c, long block, byte[]? slices, EventQuery query, List<(FilterEvent, long, int)> found)
    {
        using var blob = new SqliteBlob(c, "blocks", "data", block, readOnly: true);
        byte[] data = new byte[blob.Length];
        blob.ReadExactly(data);
        if (slices is null)
        {
            int position = 0;
            AddLines(data, block, ref position, query, found);
            return;
        }

        for (int i = 0; i + 8 <= slices.Length; i += 8)
        {
            int offset = BinaryPrimitives.ReadInt32LittleEndian(slices.AsSpan(i));
            int length = BinaryPrimitives.ReadInt32LittleEndian(slices.AsSpan(i + 4));
            Add(EventJson.Event(data.AsSpan(offset, length)), block, i, query, found);
        }
    }

    /// <summary>Every JSON line of <paramref name="lines"/> that matches, numbered on from <paramref name="position"/>.</summary>
    private static void AddLines(ReadOnlySpan<byte> lines, long block, ref int position, EventQuery query, List<(FilterEvent, long, int)> found)
    {
        foreach (Range line in lines.Split((byte)'\n'))
        {
            if (lines[line].Length > 0)
            {
                Add(EventJson.Event(lines[line]), block, position++, query, found);
            }
        }
    }

    private static void Add(FilterEvent e, long block, int position, EventQuery query, List<(FilterEvent, long, int)> found)
    {
        if (query.Matches(e))
        {
            found.Add((e, block, position));
        }
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

    /// <summary>Deletes whole blocks (one day of one class) whose newest event is past the cutoff, 500 at a time.</summary>
    private async Task<long> PurgeBlocksAsync(int blocked, long cutoff, CancellationToken cancellationToken)
    {
        long events = 0;
        while (true)
        {
            (int blocks, long count) = await WriteAsync(async (c, tx) =>
            {
                await using SqliteCommand cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = """
                    CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY, count INTEGER);
                    DELETE FROM doomed;
                    INSERT INTO doomed SELECT id, count FROM blocks WHERE blocked = $blocked AND last < $cutoff LIMIT 500;
                    DELETE FROM refs WHERE block IN (SELECT id FROM doomed);
                    DELETE FROM chunks WHERE id >= (SELECT min(id) FROM doomed) << 20 AND id < ((SELECT max(id) FROM doomed) + 1) << 20
                        AND (id >> 20) IN (SELECT id FROM doomed);
                    DELETE FROM blocks WHERE id IN (SELECT id FROM doomed);
                    SELECT count(*), coalesce(sum(count), 0) FROM doomed;
                    """;
                cmd.Parameters.AddWithValue("$blocked", blocked);
                cmd.Parameters.AddWithValue("$cutoff", cutoff);
                await using SqliteDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await r.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (r.GetInt32(0), r.GetInt64(1));
            }, cancellationToken).ConfigureAwait(false);
            events += count;
            if (blocks < 500)
            {
                return events;
            }
        }
    }

    /// <summary>In chunks, each its own transaction, so the writer never waits long behind a purge.</summary>
    public async Task<RetentionResult> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long events = await PurgeBlocksAsync(0, (now - policy.Allowed).ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        events += await PurgeBlocksAsync(1, (now - policy.Blocked).ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        long alerts = 0;
        int deleted;
        do
        {
            deleted = await WriteAsync(async (c, tx) =>
            {
                await using SqliteCommand cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE updated < $cutoff AND status = 'resolved' LIMIT 5000)";
                cmd.Parameters.AddWithValue("$cutoff", (now - policy.Alerts).ToUnixTimeMilliseconds());
                return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            alerts += deleted;
        }
        while (deleted == 5000);
        TimeSpan longest = policy.Blocked > policy.Allowed ? policy.Blocked : policy.Allowed;
        await WriteAsync(async (c, tx) =>
        {
            await using SqliteCommand cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM daily WHERE day < $day; DELETE FROM batches WHERE time < $batches";
            cmd.Parameters.AddWithValue("$day", DailyCounts.Name(now - longest));
            cmd.Parameters.AddWithValue("$batches", (now - TimeSpan.FromDays(7)).ToUnixTimeMilliseconds());
            return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return new RetentionResult(events, alerts);
    }
}
