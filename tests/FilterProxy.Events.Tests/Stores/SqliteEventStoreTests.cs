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

    private async Task<long> ScalarAsync(string sql)
    {
        await using var c = new SqliteConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Events_AreStoredInCompressedChunkRowsThatFitAPage_AndPurgeTakesTheirChunks()
    {
        DateTimeOffset now = T0.AddDays(200);
        FilterEvent[] old = [.. Enumerable.Range(1, 300).Select(i => Event(i, time: now.AddDays(-100).AddSeconds(i)) with { Url = $"http://a.example/{Guid.NewGuid()}/" + new string('q', 400) })];
        await Store.AppendAsync(new EventBatch("old", old), default);
        await Store.AppendAsync(new EventBatch("new", [Event(1000, time: now.AddDays(-1))]), default);
        Assert.True(await ScalarAsync("SELECT count(*) FROM chunks") > 10);
        Assert.True(await ScalarAsync("SELECT max(length(data)) FROM chunks") <= 4000);
        Assert.True(await ScalarAsync("SELECT sum(size) FROM chunks") > 4 * await ScalarAsync("SELECT sum(length(data)) FROM chunks"));

        await Store.PurgeAsync(RetentionPolicy.Default, now, default);

        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM chunks"));
        Assert.Equal([1000], (await Store.QueryAsync(new EventQuery { User = "pupil1" }, default)).Select(static e => (int)e.Seq));
    }

    [Fact]
    public async Task DamagedChunk_IsReportedAsADamagedFile_NotReadAsOtherEvents()
    {
        await Store.AppendAsync(new EventBatch("b", [Event(1), Event(2)]), default);
        await RawAsync("UPDATE chunks SET data = X'0102030405'");
        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => Store.QueryAsync(new EventQuery { User = "pupil1" }, default));
        Assert.Contains("damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EarlierFileLayout_OneBlobPerBlock_OpensAsIs_OldAndNewEventsReadTogether()
    {
        await Store.DisposeAsync();
        File.Delete(DbPath);
        // The layout before chunk rows: the block's JSON lines in blocks.data, index slices of (offset, length).
        FilterEvent[] events = [.. Enumerable.Range(1, 40).Select(static i => Event(i, user: $"pupil{i % 2}") with { Url = "http://b.example/" + new string('z', 300) })];
        var data = new List<byte>();
        var slices = new Dictionary<string, List<byte>>();
        foreach (FilterEvent e in events)
        {
            byte[] line = FilterProxy.Events.Serialization.EventJson.SerializeToUtf8(e);
            foreach (string key in new[] { "u:" + e.User, "c:" + e.ClientIp, "d:" + e.Device, "k:http" })
            {
                List<byte> s = slices.TryGetValue(key, out List<byte>? l) ? l : slices[key] = [];
                s.AddRange(BitConverter.GetBytes(data.Count));
                s.AddRange(BitConverter.GetBytes(line.Length));
            }

            data.AddRange(line);
            data.Add((byte)'\n');
        }

        await RawAsync("""
            CREATE TABLE blocks (id INTEGER PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL, blocked INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE TABLE refs (key TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, block INTEGER NOT NULL, slices BLOB NOT NULL);
            """);
        await using (var c = new SqliteConnection($"Data Source={DbPath}"))
        {
            await c.OpenAsync();
            await using SqliteCommand cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO blocks VALUES (7, $f, $l, 0, 40, $d)";
            cmd.Parameters.AddWithValue("$f", T0.AddSeconds(1).ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$l", T0.AddSeconds(40).ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$d", data.ToArray());
            await cmd.ExecuteNonQueryAsync();
            foreach ((string key, List<byte> s) in slices)
            {
                cmd.CommandText = "INSERT INTO refs VALUES ($k, $f, $l, 7, $s)";
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("$k", key);
                cmd.Parameters.AddWithValue("$f", T0.AddSeconds(1).ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$l", T0.AddSeconds(40).ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$s", s.ToArray());
                await cmd.ExecuteNonQueryAsync();
            }
        }

        Store = await SqliteEventStore.OpenAsync(DbPath); // adds the layout column only: nothing is rewritten

        Assert.Equal(Enumerable.Range(1, 40).Where(static i => i % 2 == 1).Reverse(),
            (await Store.QueryAsync(new EventQuery { User = "pupil1", Limit = 100 }, default)).Select(static e => (int)e.Seq));
        Assert.Equal(40, (await Store.QueryAsync(new EventQuery { Limit = 100 }, default)).Count);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM chunks"));
        Assert.True(await Store.AppendAsync(new EventBatch("after", [Event(41, user: "pupil1"), Event(42, user: "pupil0")]), default));
        Assert.Equal([41, 39, 37], (await Store.QueryAsync(new EventQuery { User = "pupil1", Limit = 3 }, default)).Select(static e => (int)e.Seq));
        Assert.Equal([42, 41, 40], (await Store.QueryAsync(new EventQuery { Limit = 3 }, default)).Select(static e => (int)e.Seq));
        await Store.PurgeAsync(RetentionPolicy.Default, T0.AddDays(200), default); // both layouts leave with retention
        Assert.Empty(await Store.QueryAsync(new EventQuery(), default));
    }

    public void Dispose() => _dir.Dispose();
}
