using FilterProxy.Core.Events;
using FilterProxy.Events.Stores.Sqlite;
using FilterProxy.Tests.Common;
using Microsoft.Data.Sqlite;

namespace FilterProxy.Events.Tests.Stores;

public sealed class SqliteEventStoreTests : EventStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();
    private string DbPath => Path.Combine(_dir.Path, "events.db");

    protected override async Task<IEventStore> CreateStoreAsync() => await SqliteEventStore.OpenAsync(DbPath);

    private async Task RawAsync(string sql)
    {
        await using var c = new SqliteConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    // The triggers stop accidental edits through SQLite; someone with the file can still drop them.
    protected override Task TamperAuditAsync(long seq, string newActor) =>
        RawAsync($"DROP TRIGGER audit_no_update; UPDATE audit SET actor = '{newActor}' WHERE seq = {seq};");

    protected override Task RemoveAuditAsync(long seq) => RawAsync($"DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = {seq};");

    [Fact]
    public async Task Audit_RefusesUpdatesAndDeletesThroughSqlite()
    {
        await Store.AppendAuditAsync(new AuditRecord(T0, "tech", "policy.change", "profiles.ks2"), default);
        SqliteException update = await Assert.ThrowsAsync<SqliteException>(() => RawAsync("UPDATE audit SET actor = 'x'"));
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SqliteException>(() => RawAsync("DELETE FROM audit"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void DatabaseFile_IsOwnerOnly()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DbPath));
    }

    public void Dispose() => _dir.Dispose();
}
