using FilterProxy.Admin.Reports;
using FilterProxy.Core.Events;
using FilterProxy.Events.Stores.Sqlite;
using FilterProxy.Tests.Common;

namespace FilterProxy.Admin.Tests.Reports;

public sealed class BlockedReportTests
{
    [Fact]
    public async Task Counts_Attempts_ADnsEventWithRepeatsCountsAsThatMany()
    {
        using var dir = new TempDirectory();
        await using SqliteEventStore store = await SqliteEventStore.OpenAsync(Path.Combine(dir.Path, "events.db"));
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        FilterEvent Blocked(string host, int? repeats = null) => new()
        {
            Time = now.AddHours(-1), Kind = EventKind.Dns, ClientIp = "10.0.0.5", Profile = "ks2", Host = host,
            Categories = ["gambling"], Verdict = "block", Repeats = repeats,
        };
        await store.AppendAsync(new EventBatch("b1", [Blocked("bet.example"), Blocked("bet.example", repeats: 9), Blocked("dice.example")]), default);

        BlockedReport report = await BlockedReport.BuildAsync(store, now, 7, default);

        Assert.Equal(11, report.Total);
        Assert.Equal([("bet.example", 10L), ("dice.example", 1L)], report.TopDomains);
        Assert.Equal(11, Assert.Single(report.Rows).Count);
    }
}
