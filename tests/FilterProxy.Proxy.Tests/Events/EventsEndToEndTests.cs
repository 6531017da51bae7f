using System.Net;
using System.Text;
using System.Text.Json;
using FilterProxy.Cli;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Events;

/// <summary>
/// The DSL's path end to end on the embedded default store: a pupil's blocked attempt through the real proxy
/// (curl) lands in SQLite, raises a critical alert that reaches a webhook and an e-mail inbox on loopback,
/// is read back, acknowledged and resolved with the command line, and leaves an intact audit trail.
/// </summary>
public sealed class EventsEndToEndTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly SmtpSink _smtp = new();
    private readonly HttpListener _hook = new();
    private readonly List<string> _hookBodies = [];
    private GatewayApp _app = null!;
    private string _config = null!;
    private Task _hookLoop = Task.CompletedTask;
    private int _searchPort;

    public async Task InitializeAsync()
    {
        int hookPort = RedisServer.FreePort();
        _hook.Prefixes.Add($"http://127.0.0.1:{hookPort}/dsl/");
        _hook.Start();
        _hookLoop = Task.Run(async () =>
        {
            while (_hook.IsListening)
            {
                try
                {
                    HttpListenerContext ctx = await _hook.GetContextAsync();
                    using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                    string body = await reader.ReadToEndAsync();
                    lock (_hookBodies)
                    {
                        _hookBodies.Add(body);
                    }

                    ctx.Response.StatusCode = 204;
                    ctx.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        });
        _dir.File("selfharm.txt", "harm.example\n");
        _searchPort = RedisServer.FreePort();
        _config = _dir.File("filterproxy.json", $$"""
            { "dataDirectory": "data",
              "allowedClients": [ "127.0.0.0/8" ],
              "dns": { "localNames": { "www.bing.com": [ "127.0.0.1" ] }, "repeatWindowSeconds": 1 },
              "lists": [ { "name": "selfharm", "format": "domains", "category": "self-harm", "source": "selfharm.txt" } ],
              "events": { "nodeId": "school-gw",
                "alerts": { "webhooks": [ { "url": "http://127.0.0.1:{{hookPort}}/dsl/", "minSeverity": "high" } ],
                            "email": { "smtpHost": "127.0.0.1", "smtpPort": {{_smtp.Port}}, "from": "filter@school.example", "to": [ "dsl@school.example" ] } } } }
            """);
        _app = await GatewayApp.StartAsync(_config, GatewayTestEnvironment.Loopback, TextWriter.Null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _hook.Stop();
        await _hookLoop;
        _hook.Close();
        await _smtp.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<(int Code, string Output, string Error)> Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync([.. args, "--config", _config], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<List<JsonElement>> CliJsonAsync(Func<List<JsonElement>, bool> done, params string[] args)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            (int code, string output, string error) = await Cli(args);
            Assert.True(code == 0, error);
            List<JsonElement> rows = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => JsonDocument.Parse(l).RootElement.Clone())];
            if (done(rows) || DateTime.UtcNow > deadline)
            {
                return rows;
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task BlockedSelfHarmAttempt_IsStored_Alerted_Delivered_ActedOn_AndAudited()
    {
        string page = await ExternalTool.RunAsync("curl", "-sS", "--max-time", "10", "-x", $"http://{_app.ProxyEndPoint}", "http://harm.example/worrying/page");
        Assert.Contains("blocked", page, StringComparison.OrdinalIgnoreCase);

        // The event, in the SQLite store, read with the command line while the gateway runs.
        List<JsonElement> events = await CliJsonAsync(static r => r.Count > 0, "events", "query", "--client", "127.0.0.1", "--blocked", "--json");
        JsonElement e = Assert.Single(events);
        Assert.Equal("http://harm.example/worrying/page", e.GetProperty("url").GetString());
        Assert.Equal("block", e.GetProperty("verdict").GetString());
        Assert.Equal("school-gw", e.GetProperty("node").GetString());
        Assert.Equal(["self-harm"], e.GetProperty("categories").EnumerateArray().Select(static c => c.GetString()));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "data", "events.db")));

        // The alert: stored, on the webhook, in the DSL's inbox.
        List<JsonElement> alerts = await CliJsonAsync(static r => r.Count > 0, "alerts", "list", "--json");
        JsonElement alert = Assert.Single(alerts);
        string id = alert.GetProperty("id").GetString()!;
        Assert.Equal(("critical", "new", "category:self-harm"), (alert.GetProperty("severity").GetString(), alert.GetProperty("status").GetString(), alert.GetProperty("rule").GetString()));
        ReceivedMail mail = await _smtp.WaitForMessageAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("X-FilterProxy-Alert: " + id, mail.Data, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_hookBodies.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        lock (_hookBodies)
        {
            Assert.Contains(id, Assert.Single(_hookBodies), StringComparison.Ordinal);
        }

        // The DSL acts; the chronology and the audit trail keep it.
        Assert.Equal(0, (await Cli("alerts", "acknowledge", id, "--actor", "dsl@school", "--note", "spoke to tutor")).Code);
        Assert.Equal(0, (await Cli("alerts", "resolve", id, "--actor", "dsl@school", "--note", "parents informed")).Code);
        (int again, _, string why) = await Cli("alerts", "resolve", id, "--actor", "dsl@school");
        Assert.Equal((1, true), (again, why.Contains("already resolved", StringComparison.Ordinal)));
        JsonElement resolved = Assert.Single(await CliJsonAsync(static _ => true, "alerts", "list", "--status", "resolved", "--json"));
        Assert.Equal(["raised", "acknowledged", "resolved"], resolved.GetProperty("history").EnumerateArray().Select(static h => h.GetProperty("action").GetString()));

        (int verify, string verified, _) = await Cli("audit", "verify");
        Assert.Equal(0, verify);
        Assert.Contains("intact", verified, StringComparison.Ordinal);
        List<JsonElement> audit = await CliJsonAsync(static _ => true, "audit", "list", "--json");
        Assert.Equal(["policy.load", "alert.acknowledged", "alert.resolved"], audit.Select(static a => a.GetProperty("action").GetString()));

        // Health shows the pipeline's counters.
        using var http = new HttpClient();
        using JsonDocument health = JsonDocument.Parse(await http.GetStringAsync(new Uri(_app.AdminUri, "/healthz")));
        JsonElement counters = health.RootElement.GetProperty("components").GetProperty("events");
        Assert.True(counters.GetProperty("written").GetInt64() >= 1);
        Assert.Equal(0, counters.GetProperty("dropped").GetInt64());
        Assert.True(counters.GetProperty("storeUp").GetBoolean());
    }

    [Fact]
    public async Task Many_devices_at_once_email_the_DSL_ten_alerts_and_a_summary_not_one_each()
    {
        // Fourteen devices (their own loopback addresses) look up a self-harm name within the minute: fourteen critical
        // alerts are raised and stored; the DSL's inbox gets the first ten and, when the gateway stops, one summary.
        using var dir = new TempDirectory();
        await using var smtp = new SmtpSink();
        dir.File("selfharm.txt", "harm.example\n");
        string config = dir.File("filterproxy.json", $$"""
            { "dataDirectory": "data", "allowedClients": [ "127.0.0.0/8" ], "dns": { "repeatWindowSeconds": 0 },
              "lists": [ { "name": "selfharm", "format": "domains", "category": "self-harm", "source": "selfharm.txt" } ],
              "events": { "alerts": { "email": { "smtpHost": "127.0.0.1", "smtpPort": {{smtp.Port}}, "from": "filter@school.example", "to": [ "dsl@school.example" ] } } } }
            """);
        GatewayApp app = await GatewayApp.StartAsync(config, GatewayTestEnvironment.Loopback, TextWriter.Null, CancellationToken.None);
        try
        {
            for (int n = 10; n < 24; n++)
            {
                Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(app.DnsEndPoint, "-b", $"127.0.0.{n}", "harm.example", "A")));
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (smtp.Messages.Count < 10 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            await app.DisposeAsync(); // stopping sends what is held
        }

        IReadOnlyList<ReceivedMail> mails = smtp.Messages;
        Assert.Equal(11, mails.Count);
        Assert.Single(mails, static m => System.Text.RegularExpressions.Regex.IsMatch(m.Data, @"X-FilterProxy-Alert: A\d{8}-\w{6}\+3\r?\n")); // 4 held: the first and 3 more
        var listed = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["alerts", "list", "--json", "--config", config], listed, TextWriter.Null));
        Assert.Equal(14, listed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // every alert is stored
    }

    [Fact]
    public async Task WorryingSearch_IsScoredStoredAndRaisesACriticalAlert()
    {
        // Bing is unreachable here (a free port on loopback): the search still happened, and is what matters.
        await ExternalTool.RunAsync("curl", "-sS", "--max-time", "10", "-x", $"http://{_app.ProxyEndPoint}", $"http://www.bing.com:{_searchPort}/search?q=best+way+to+unalive+myself");

        JsonElement e = Assert.Single(await CliJsonAsync(static r => r.Count > 0, "events", "query", "--kind", "search", "--json"));
        Assert.Equal(("best way to unalive myself", "critical", "suicide"), (e.GetProperty("searchTerm").GetString(), e.GetProperty("risk").GetString(), e.GetProperty("theme").GetString()));
        List<JsonElement> alerts = await CliJsonAsync(static r => r.Any(static a => a.GetProperty("rule").GetString() == "search-risk:suicide"), "alerts", "list", "--json");
        JsonElement alert = alerts.Single(static a => a.GetProperty("rule").GetString() == "search-risk:suicide");
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
    }

    /// <summary>A prompt to an AI chat service is a search term: stored, scored, and alerted like one (the default profile blocks the service).</summary>
    [Fact]
    public async Task WorryingPromptToAnAiService_IsScoredStoredAndRaisesACriticalAlert()
    {
        await ExternalTool.RunAsync("curl", "-sS", "--max-time", "10", "-x", $"http://{_app.ProxyEndPoint}", "-H", "Content-Type: application/json",
            "--data-binary", """{"model":"gpt-4o","messages":[{"role":"user","content":"how many pills would it take to end my life"}]}""",
            $"http://api.openai.com:{_searchPort}/v1/chat/completions");

        JsonElement e = Assert.Single(await CliJsonAsync(static r => r.Count > 0, "events", "query", "--kind", "search", "--json"));
        Assert.Equal("how many pills would it take to end my life", e.GetProperty("searchTerm").GetString());
        Assert.Contains(e.GetProperty("risk").GetString(), (string[])["high", "critical"]);
        List<JsonElement> alerts = await CliJsonAsync(static r => r.Any(static a => a.GetProperty("rule").GetString()!.StartsWith("search-risk:", StringComparison.Ordinal)), "alerts", "list", "--json");
        Assert.Contains(alerts, static a => a.GetProperty("severity").GetString() is "high" or "critical");
    }

    /// <summary>A pupil reaching a crisis help service (unreachable here: the visit is what counts) raises a gentle alert.</summary>
    [Fact]
    public async Task APupilVisitingAHelpService_RaisesAGentleAlert()
    {
        await ExternalTool.RunAsync("curl", "-sS", "--max-time", "10", "-x", $"http://{_app.ProxyEndPoint}", $"http://www.childline.org.uk:{_searchPort}/");

        List<JsonElement> alerts = await CliJsonAsync(static r => r.Any(static a => a.GetProperty("rule").GetString() == "help-service-visit"), "alerts", "list", "--json");
        JsonElement alert = alerts.Single(static a => a.GetProperty("rule").GetString() == "help-service-visit");
        Assert.Equal("low", alert.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task RepeatedDnsQueries_AreStoredAsAnEventAndACount_AndTheCommandLineSaysSo()
    {
        Assert.Equal(["NXDOMAIN", "NXDOMAIN", "NXDOMAIN"], await DnsTool.DigRepeatedly(_app.DnsEndPoint, "harm.example", "A", 3)); // well within the 1 s window

        List<JsonElement> events = await CliJsonAsync(static r => r.Count >= 2, "events", "query", "--kind", "dns", "--json");
        Assert.Equal([2, null], events.Select(static e => e.TryGetProperty("repeats", out JsonElement n) ? n.GetInt32() : (int?)null)); // newest first
        Assert.All(events, static e => Assert.Equal(("harm.example", "block"), (e.GetProperty("host").GetString(), e.GetProperty("verdict").GetString())));
        (int code, string text, _) = await Cli("events", "query", "--kind", "dns");
        Assert.Equal(0, code);
        Assert.Contains("harm.example  [self-harm]  (2 more identical queries)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadArguments_GetAClearError()
    {
        (int code, _, string error) = await Cli("events", "query", "--kind", "ftp");
        Assert.Equal(2, code);
        Assert.Contains("--kind: 'ftp' is not one of", error, StringComparison.Ordinal);
        (code, _, error) = await Cli("events", "query", "--since", "yesterdayish");
        Assert.Equal(2, code);
        Assert.Contains("--since", error, StringComparison.Ordinal);
        (code, _, error) = await Cli("alerts", "acknowledge", "A-missing", "--actor", "dsl");
        Assert.Equal(1, code);
        Assert.Contains("there is no alert A-missing", error, StringComparison.Ordinal);
    }
}
