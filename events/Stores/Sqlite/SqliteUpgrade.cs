using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace FilterProxy.Events.Stores.Sqlite;

/// <summary>
/// Brings an events file written by an earlier FilterProxy to the current layout, in one transaction, before the
/// store takes writes. Earlier files kept each block's events in one blob (<c>blocks.data</c>) with index slices of
/// (offset, length); they are cut into chunk rows and the slices rewritten as (chunk, offset, length). Nothing is
/// dropped: every line of the old blob is in a chunk before the column goes.
/// </summary>
internal static class SqliteUpgrade
{
    public static async Task<int> RunAsync(SqliteConnection c, CancellationToken cancellationToken)
    {
        if (!await HasColumnAsync(c, "blocks", "data", cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var blocks = new List<long>();
        await using (SqliteCommand list = c.CreateCommand())
        {
            list.Transaction = tx;
            list.CommandText = "SELECT id FROM blocks ORDER BY id";
            await using SqliteDataReader r = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                blocks.Add(r.GetInt64(0));
            }
        }

        foreach (long block in blocks)
        {
            Dictionary<int, (int Chunk, int Offset)> moved = await SplitAsync(c, tx, block, cancellationToken).ConfigureAwait(false);
            await RewriteSlicesAsync(c, tx, block, moved, cancellationToken).ConfigureAwait(false);
        }

        await using (SqliteCommand drop = c.CreateCommand())
        {
            drop.Transaction = tx;
            drop.CommandText = "ALTER TABLE blocks DROP COLUMN data";
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return blocks.Count;
    }

    /// <summary>Cuts the block's blob into chunk rows; answers where each old line offset went.</summary>
    private static async Task<Dictionary<int, (int, int)>> SplitAsync(SqliteConnection c, SqliteTransaction tx, long block, CancellationToken cancellationToken)
    {
        byte[] data;
        await using (SqliteCommand read = c.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT data FROM blocks WHERE id = $id";
            read.Parameters.AddWithValue("$id", block);
            data = (byte[])(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var moved = new Dictionary<int, (int, int)>();
        var starts = new List<int> { 0 };
        for (int start = 0; start < data.Length;)
        {
            int newline = data.AsSpan(start).IndexOf((byte)'\n');
            int end = newline < 0 ? data.Length : start + newline + 1;
            if (EventBlock.StartsChunk(starts[^1], start, end))
            {
                starts.Add(start);
            }

            moved[start] = (starts.Count - 1, start - starts[^1]);
            start = end;
        }

        await using SqliteCommand insert = c.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO chunks (id, data) VALUES ($id, $data)";
        for (int n = 0; n < starts.Count; n++)
        {
            int end = n + 1 < starts.Count ? starts[n + 1] : data.Length;
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$id", SqliteSchema.ChunkId(block, n));
            insert.Parameters.AddWithValue("$data", data[starts[n]..end]);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return moved;
    }

    private static async Task RewriteSlicesAsync(SqliteConnection c, SqliteTransaction tx, long block, Dictionary<int, (int Chunk, int Offset)> moved, CancellationToken cancellationToken)
    {
        var rows = new List<(long RowId, byte[] Slices)>();
        await using (SqliteCommand read = c.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT rowid, slices FROM refs WHERE block = $id";
            read.Parameters.AddWithValue("$id", block);
            await using SqliteDataReader r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((r.GetInt64(0), r.GetFieldValue<byte[]>(1)));
            }
        }

        await using SqliteCommand update = c.CreateCommand();
        update.Transaction = tx;
        update.CommandText = "UPDATE refs SET slices = $s WHERE rowid = $r";
        foreach ((long rowId, byte[] old) in rows)
        {
            var slices = new byte[old.Length / 8 * EventBlock.Ref.SliceBytes];
            for (int i = 0, j = 0; i + 8 <= old.Length; i += 8, j += EventBlock.Ref.SliceBytes)
            {
                int offset = BinaryPrimitives.ReadInt32LittleEndian(old.AsSpan(i));
                (int chunk, int inChunk) = moved.TryGetValue(offset, out (int, int) to)
                    ? to
                    : throw new InvalidDataException($"events file: index entry of block {block} points inside a line (offset {offset}); not upgraded, nothing changed");
                BinaryPrimitives.WriteInt32LittleEndian(slices.AsSpan(j), chunk);
                BinaryPrimitives.WriteInt32LittleEndian(slices.AsSpan(j + 4), inChunk);
                BinaryPrimitives.WriteInt32LittleEndian(slices.AsSpan(j + 8), BinaryPrimitives.ReadInt32LittleEndian(old.AsSpan(i + 4)));
            }

            update.Parameters.Clear();
            update.Parameters.AddWithValue("$s", slices);
            update.Parameters.AddWithValue("$r", rowId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> HasColumnAsync(SqliteConnection c, string table, string column, CancellationToken cancellationToken)
    {
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM pragma_table_info($t) WHERE name = $c";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$c", column);
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }
}
