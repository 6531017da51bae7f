using FilterProxy.Core.Events;
using Microsoft.Data.Sqlite;

namespace FilterProxy.Events.Stores.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in the data directory (WAL journal, so the command line and
/// the admin UI read while the gateway writes). Events keep their full JSON beside the columns that are
/// queried and indexed (user, device, client, time, kind); alerts are JSON documents; the audit trail is
/// a table that triggers keep append-only.
/// </summary>
public sealed partial class SqliteEventStore : IEventStore
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    static SqliteEventStore() => SQLitePCL.Batteries_V2.Init();

    private SqliteEventStore(string path, SqliteConnection writer, string connectionString)
    {
        Path = path;
        _writer = writer;
        _connectionString = connectionString;
    }

    public string Path { get; }

    public string Description => $"sqlite {Path}";

    public static async Task<SqliteEventStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        FilterProxy.Core.Text.PrivateFiles.PrepareDatabase(path); // personal data: owner only, side files included
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Cache = SqliteCacheMode.Private, Pooling = true }.ToString();
        var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(writer, SqliteSchema.Pragmas, cancellationToken).ConfigureAwait(false);
        await ExecAsync(writer, SqliteSchema.Create, cancellationToken).ConfigureAwait(false);
        await using (SqliteCommand layout = writer.CreateCommand())
        {
            layout.CommandText = "SELECT count(*) FROM pragma_table_info('blocks') WHERE name = 'layout'";
            if ((long)(await layout.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
            {
                await ExecAsync(writer, SqliteSchema.AddLayout, cancellationToken).ConfigureAwait(false);
            }
        }
        return new SqliteEventStore(path, writer, connectionString);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection c = await ReadConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 1";
        await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> ReadConnectionAsync(CancellationToken cancellationToken)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(c, "PRAGMA busy_timeout = 5000;", cancellationToken).ConfigureAwait(false);
        return c;
    }

    private static async Task ExecAsync(SqliteConnection c, string sql, CancellationToken cancellationToken)
    {
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var tx = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            T result = await work(_writer, tx).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
        _writeGate.Dispose();
    }
}
