using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;
using FilterProxy.Events.Stores.Sqlite;
using FilterProxy.Tests.Common;
using Microsoft.Data.Sqlite;

namespace FilterProxy.Events.Tests.Stores;

/// <summary>
/// An events file written by the build before the SQLite upgrade (Microsoft.Data.Sqlite 6.0.7 with SQLitePCLRaw 2.0.6:
/// 40 events, every fourth blocked, one critical alert, three audit entries) opens with the current libraries, reads
/// back whole, keeps its audit chain intact and takes new events after the old ones.
/// </summary>
public sealed class SqliteUpgradeTests : IDisposable
{
    private static readonly DateTimeOffset T = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    private string CopyOfOldFile()
    {
        string path = Path.Combine(_dir.Path, "events.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Stores", "Data", "events-written-by-sqlite-6.0.7.db"), path);
        return path;
    }

    [Fact]
    public async Task OldFile_OpensAndReadsEverything()
    {
        await using SqliteEventStore store = await SqliteEventStore.OpenAsync(CopyOfOldFile());

        IReadOnlyList<FilterEvent> events = await store.QueryAsync(new EventQuery { User = "pupil1", Limit = 100 }, default);
        Assert.Equal(40, events.Count);
        Assert.Equal(Enumerable.Range(1, 40).Reverse(), events.Select(static e => (int)e.Seq));
        FilterEvent fourth = events.Single(static e => e.Seq == 4);
        Assert.Equal(("block", "http://site4.example/page?q=4", "LAPTOP-7", T.AddSeconds(4)), (fourth.Verdict, fourth.Url, fourth.Device, fourth.Time));
        Assert.Equal(["gambling"], fourth.Categories);
        Assert.Equal(10, (await store.QueryAsync(new EventQuery { Blocked = true, Limit = 100 }, default)).Count);

        Alert? alert = await store.GetAlertAsync("a-fixture", default);
        Assert.NotNull(alert);
        Assert.Equal((AlertSeverity.Critical, "pupil1", 4L), (alert.Severity, alert.Subject, alert.Trigger!.Seq));

        Assert.True((await AuditChain.Verify(store.ReadAuditAsync(default))).IsIntact);
        Assert.Equal(3, (await ToListAsync(store.ReadAuditAsync(default))).Count);
    }

    [Fact]
    public async Task OldFile_TakesNewEvents_AfterTheOldOnes()
    {
        string path = CopyOfOldFile();
        await using (SqliteEventStore store = await SqliteEventStore.OpenAsync(path))
        {
            FilterEvent next = (await store.QueryAsync(new EventQuery { User = "pupil1", Limit = 1 }, default))[0] with { Seq = 41, Time = T.AddSeconds(41), Host = "site41.example" };
            Assert.True(await store.AppendAsync(new EventBatch("after-upgrade", [next]), default));
        }

        await using SqliteEventStore again = await SqliteEventStore.OpenAsync(path);
        Assert.Equal(41, (await again.QueryAsync(new EventQuery { User = "pupil1", Limit = 100 }, default)).Count);
    }

    [Fact]
    public async Task TheSqliteInUse_IsCurrent()
    {
        await using var c = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "v.db")}");
        await c.OpenAsync();
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT sqlite_version()";
        Version version = Version.Parse((string)(await cmd.ExecuteScalarAsync())!);
        Assert.True(version >= new Version(3, 46), $"SQLite {version}: the bundled library is older than 3.46 (2024)");
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }

    public void Dispose() => _dir.Dispose();
}
