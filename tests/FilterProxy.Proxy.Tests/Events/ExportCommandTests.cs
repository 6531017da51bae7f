using System.Text.Json;
using FilterProxy.Cli;
using FilterProxy.Core.Events;
using FilterProxy.Events.Stores.Sqlite;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Events;

/// <summary>A subject-access request: everything held about one pupil, as JSON lines and CSV, and the export audited.</summary>
public sealed class ExportCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private string _config = null!;

    public async Task InitializeAsync()
    {
        _config = _dir.File("filterproxy.json", """{ "dataDirectory": "data" }""");
        await using SqliteEventStore store = await SqliteEventStore.OpenAsync(Path.Combine(_dir.Path, "data", "events.db"));
        var t0 = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var events = new List<FilterEvent>();
        for (int i = 0; i < 2600; i++)
        {
            events.Add(new FilterEvent
            {
                Time = t0.AddMilliseconds(i / 4),                 // four events share each millisecond: paging must not lose or repeat them
                Kind = EventKind.Search,
                Node = "gw",
                Seq = i,
                ClientIp = "10.0.0.5",
                User = i % 13 == 0 ? "pupil2" : "pupil1",
                Host = "www.bing.com",
                Url = $"https://www.bing.com/search?q=q{i}",
                SearchTerm = i == 7 ? "=HYPERLINK(\"http://evil\")" : $"q{i}, \"quoted\"",
                Verdict = "allow",
            });
        }

        await store.AppendAsync(new EventBatch("b1", events), default);
        await store.SaveAlertAsync(new Alert
        {
            Id = "A1",
            Created = t0,
            Updated = t0,
            Severity = AlertSeverity.High,
            Rule = "keyword:suicide",
            Title = "Monitored keyword",
            Subject = "pupil1",
            User = "pupil1",
            Trigger = events[1],
            History = [new AlertAction(t0, "filterproxy", "raised")],
        }, default);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private int Expected => Enumerable.Range(0, 2600).Count(static i => i % 13 != 0);

    [Fact]
    public async Task Export_Json_EveryEventAndAlertAboutThatPupil_Once_AndAudited()
    {
        string file = Path.Combine(_dir.Path, "pupil1.jsonl");
        var error = new StringWriter();
        Assert.True(await CommandLine.RunAsync(["events", "export", "--user", "pupil1", "--out", file, "--actor", "dpo@school", "--config", _config], TextWriter.Null, error) == 0, error.ToString());
        string[] lines = File.ReadAllLines(file);
        List<JsonElement> rows = [.. lines.Select(static l => JsonDocument.Parse(l).RootElement.Clone())];
        List<JsonElement> events = [.. rows.Where(static r => r.GetProperty("record").GetString() == "event")];
        Assert.Equal(Expected, events.Count);
        Assert.Equal(Expected, events.Select(static e => e.GetProperty("seq").GetInt64()).Distinct().Count());
        Assert.All(events, static e => Assert.Equal("pupil1", e.GetProperty("user").GetString()));
        JsonElement alert = Assert.Single(rows, static r => r.GetProperty("record").GetString() == "alert");
        Assert.Equal("A1", alert.GetProperty("id").GetString());
        Assert.Contains($"exported {Expected} event(s) and 1 alert(s) about pupil1", error.ToString(), StringComparison.Ordinal);

        var audit = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["audit", "list", "--json", "--config", _config], audit, TextWriter.Null));
        using JsonDocument entry = JsonDocument.Parse(audit.ToString().Trim());
        Assert.Equal(("dpo@school", "export.user", "user/pupil1"), (entry.RootElement.GetProperty("actor").GetString(), entry.RootElement.GetProperty("action").GetString(), entry.RootElement.GetProperty("target").GetString()));
    }

    [Fact]
    public async Task Export_Csv_QuotesFields_AndDefusesSpreadsheetFormulas()
    {
        var output = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["events", "export", "--user", "pupil1", "--format", "csv", "--config", _config], output, TextWriter.Null));
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("record,time,kind,node,client,device,user", lines[0], StringComparison.Ordinal);
        Assert.Equal(Expected + 1 + 1, lines.Length);                    // header, events, one alert
        Assert.Contains(lines, static l => l.Contains("\"q1, \"\"quoted\"\"\"", StringComparison.Ordinal));
        Assert.Contains(lines, static l => l.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, static l => l.Contains(",=HYPERLINK", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_BadFormat_IsRefusedClearly()
    {
        var error = new StringWriter();
        Assert.Equal(2, await CommandLine.RunAsync(["events", "export", "--user", "pupil1", "--format", "xml", "--config", _config], TextWriter.Null, error));
        Assert.Contains("--format: 'xml' is not json or csv", error.ToString(), StringComparison.Ordinal);
    }
}
