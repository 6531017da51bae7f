using FilterProxy.Core.Identity;
using Microsoft.Data.Sqlite;

namespace FilterProxy.Events.Stores.Sessions;

/// <summary>
/// Address → person bindings for a single node: <c>sessions.db</c> in the data directory (0600), so sign-ins survive
/// a restart. Expired rows are never returned and are deleted as they are found.
/// </summary>
public sealed class SqliteSessionStore : ISessionStore, IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    static SqliteSessionStore() => SQLitePCL.Batteries_V2.Init();

    private SqliteSessionStore(SqliteConnection connection) => _connection = connection;

    public static async Task<SqliteSessionStore> OpenAsync(string path)
    {
        FilterProxy.Core.Text.PrivateFiles.PrepareDatabase(path); // who is signed in where: owner only, side files included
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await c.OpenAsync().ConfigureAwait(false);
        await using (SqliteCommand cmd = c.CreateCommand())
        {
            cmd.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS sessions (client TEXT PRIMARY KEY, ends INTEGER NOT NULL, doc TEXT NOT NULL);
                """;
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new SqliteSessionStore(c);
    }

    public Task SetAsync(SessionBinding binding, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            await using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "INSERT OR REPLACE INTO sessions (client, ends, doc) VALUES ($c, $e, $d)";
            cmd.Parameters.AddWithValue("$c", binding.Client);
            cmd.Parameters.AddWithValue("$e", binding.EndsAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$d", SessionJson.Serialize(binding));
            return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    public Task<bool> RemoveAsync(string client, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            await using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "DELETE FROM sessions WHERE client = $c";
            cmd.Parameters.AddWithValue("$c", client);
            return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        });

    public Task<IReadOnlyList<SessionBinding>> LiveAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<SessionBinding>>(async () =>
        {
            await using (SqliteCommand purge = _connection.CreateCommand())
            {
                purge.CommandText = "DELETE FROM sessions WHERE ends <= $now";
                purge.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var live = new List<SessionBinding>();
            await using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT doc FROM sessions";
            await using SqliteDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (SessionJson.Deserialize(r.GetString(0)) is { } b && b.IsLive(now))
                {
                    live.Add(b);
                }
            }

            return live;
        });

    private async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                await _connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
