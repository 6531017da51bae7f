using System.Net;
using System.Text;
using System.Text.Json;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Audit;
using FilterProxy.Events.Keywords;
using FilterProxy.Events.Notifications;
using FilterProxy.Events.Stores.Sqlite;
using FilterProxy.Tests.Common;

namespace FilterProxy.Events.Tests.Alerts;

/// <summary>Alert lifecycle, storage and delivery: a real SQLite store, a real HTTP webhook receiver and an SMTP sink on loopback.</summary>
public sealed class AlertServiceTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly AlertFeed _feed = new();
    private SqliteEventStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteEventStore.OpenAsync(Path.Combine(_dir.Path, "events.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    private (AlertService Service, AlertEngine Engine) Create(params INotifier[] notifiers) => Create(10, notifiers);

    private (AlertService Service, AlertEngine Engine) Create(int burst, params INotifier[] notifiers)
    {
        var service = new AlertService(_store, notifiers, _feed, new AlertServiceOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(50),
            SaveInterval = TimeSpan.FromMilliseconds(20),
            NotifyBurst = burst,
        });
        KeywordMatcher keywords = KeywordList.Load([]).Matcher;
        var engine = new AlertEngine(static () => new AlertSettings(), () => keywords, TimeProvider.System, service.OnChange);
        service.Engine = engine;
        return (service, engine);
    }

    private static FilterEvent Blocked(string category, string user = "pupil1") => new()
    {
        Time = DateTimeOffset.UtcNow,
        Kind = EventKind.Http,
        ClientIp = "10.0.0.5",
        Device = "LAPTOP-7",
        User = user,
        Host = "bad.example",
        Url = "http://bad.example/",
        Verdict = "block",
        Categories = [category],
    };

    [Fact]
    public async Task Lifecycle_NewAcknowledgedResolved_KeepsAChronology_AndAudits()
    {
        (AlertService service, AlertEngine engine) = Create();
        engine.Observe([Blocked("self-harm")]);
        await service.SaveAsync(default);
        Alert raised = Assert.Single(await _store.QueryAlertsAsync(new AlertQuery(), default));
        Assert.Equal(AlertStatus.New, raised.Status);

        await service.AcknowledgeAsync(raised.Id, "dsl@school", "spoke to form tutor", default);
        AlertActionException again = await Assert.ThrowsAsync<AlertActionException>(() => service.AcknowledgeAsync(raised.Id, "dsl@school", null, default));
        Assert.Contains("already acknowledged", again.Message, StringComparison.Ordinal);
        await service.AddNoteAsync(raised.Id, "deputy@school", "parents contacted", default);
        Alert resolved = await service.ResolveAsync(raised.Id, "dsl@school", "referred to CAMHS", default);
        await Assert.ThrowsAsync<AlertActionException>(() => service.ResolveAsync(raised.Id, "dsl@school", null, default));
        Assert.True((await Assert.ThrowsAsync<AlertActionException>(() => service.ResolveAsync("A-nope", "dsl", null, default))).NotFound);

        Alert stored = (await _store.GetAlertAsync(raised.Id, default))!;
        Assert.Equal(AlertStatus.Resolved, stored.Status);
        Assert.Equal(["raised", "acknowledged", "note", "resolved"], stored.History.Select(static h => h.Action));
        Assert.Equal(["filterproxy", "dsl@school", "deputy@school", "dsl@school"], stored.History.Select(static h => h.Actor));
        Assert.Equal("referred to CAMHS", stored.History[^1].Note);
        Assert.Equal(resolved.History.Count, stored.History.Count);

        var audit = new List<AuditEntry>();
        await foreach (AuditEntry e in _store.ReadAuditAsync(default))
        {
            audit.Add(e);
        }

        Assert.Equal(["alert.acknowledged", "alert.note", "alert.resolved"], audit.Select(static a => a.Action));
        Assert.All(audit, a => Assert.Equal("alert/" + raised.Id, a.Target));
        Assert.True((await AuditChain.Verify(_store.ReadAuditAsync(default))).IsIntact);

        // Resolved: the next attempt is a new alert.
        engine.Observe([Blocked("self-harm")]);
        await service.SaveAsync(default);
        Assert.Equal(2, (await _store.QueryAlertsAsync(new AlertQuery(), default)).Count);
    }

    [Fact]
    public async Task LiveFeed_GetsRaisedAlerts()
    {
        (AlertService service, AlertEngine engine) = Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        System.Threading.Channels.ChannelReader<Alert> feed = _feed.Subscribe(cts.Token);
        engine.Observe([Blocked("terrorism")]);
        Alert live = await feed.ReadAsync(cts.Token);
        Assert.Equal((AlertSeverity.Critical, "category:terrorism"), (live.Severity, live.Rule));
        await Task.CompletedTask;
        Assert.NotNull(service);
    }

    [Fact]
    public async Task Webhook_IsPostedAsJson_RetriedUntilItSucceeds_AndFilteredBySeverity()
    {
        int port = RedisServer.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var bodies = new List<string>();
        int calls = 0;
        Task receiver = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await listener.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                calls++;
                using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8))
                {
                    string body = await reader.ReadToEndAsync();
                    ctx.Response.StatusCode = calls <= 2 ? 503 : 204;   // down twice, then up
                    if (calls > 2)
                    {
                        lock (bodies)
                        {
                            bodies.Add(body);
                        }
                    }
                }

                ctx.Response.Close();
            }
        });

        using var http = new HttpClient();
        var hook = new WebhookNotifier(http, new WebhookSettings(new Uri($"http://127.0.0.1:{port}/hook/"), AlertSeverity.High));
        (AlertService service, AlertEngine engine) = Create(hook);
        using var stop = new CancellationTokenSource();
        Task run = service.RunAsync(stop.Token);
        engine.Observe([Blocked("gambling", "pupil9")]);      // low: below the hook's minimum
        engine.Observe([Blocked("self-harm")]);                // critical

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (service.Delivered == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await run;
        listener.Stop();
        await receiver;

        Assert.Equal(1, service.Delivered);
        Assert.Equal(3, calls);
        using JsonDocument doc = JsonDocument.Parse(Assert.Single(bodies));
        Assert.Equal("critical", doc.RootElement.GetProperty("severity").GetString());
        Assert.Equal("category:self-harm", doc.RootElement.GetProperty("rule").GetString());
        Assert.Equal("pupil1", doc.RootElement.GetProperty("trigger").GetProperty("user").GetString());
    }

    [Fact]
    public async Task Many_people_at_once_send_a_few_emails_and_one_summary_not_one_each()
    {
        await using var sink = new SmtpSink();
        var email = new EmailNotifier(new EmailSettings("127.0.0.1", sink.Port, false, "filterproxy@school.example", ["dsl@school.example"], AlertSeverity.High));
        (AlertService service, AlertEngine engine) = Create(3, email);
        using var stop = new CancellationTokenSource();
        Task run = service.RunAsync(stop.Token);
        engine.Observe([.. Enumerable.Range(1, 25).Select(n => Blocked("self-harm", $"pupil{n}"))]); // 25 people within the minute
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (service.Delivered < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await run; // stopping sends what is held as its summary
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (sink.Messages.Count < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(25, (await _store.QueryAlertsAsync(new AlertQuery(), default)).Count); // every alert kept
        Assert.Equal(4, sink.Messages.Count);
        Assert.Equal(22, service.Summarised);
        // The summary's id is the first held alert's and how many more ("A20261122-XXXXXX+21"); the rest are the first three.
        Assert.Single(sink.Messages, static m => System.Text.RegularExpressions.Regex.IsMatch(m.Data, @"X-FilterProxy-Alert: A\d{8}-\w{6}\+21\r?\n"));
    }

    [Fact]
    public async Task Email_IsSentOverSmtp_ToTheDsl()
    {
        await using var sink = new SmtpSink();
        var email = new EmailNotifier(new EmailSettings("127.0.0.1", sink.Port, false, "filterproxy@school.example", ["dsl@school.example"], AlertSeverity.High));
        (AlertService service, AlertEngine engine) = Create(email);
        using var stop = new CancellationTokenSource();
        Task run = service.RunAsync(stop.Token);
        engine.Observe([Blocked("self-harm") with { SearchTerm = "how to hurt myself" }]);
        ReceivedMail mail = await sink.WaitForMessageAsync(TimeSpan.FromSeconds(15));
        await stop.CancelAsync();
        await run;

        Assert.Equal("filterproxy@school.example", mail.From);
        Assert.Equal(["dsl@school.example"], mail.To);
        // Two alerts (the blocked self-harm page, and the monitored phrase "hurt myself"), both high enough to e-mail.
        IReadOnlyList<Alert> alerts = await _store.QueryAlertsAsync(new AlertQuery(), default);
        Assert.Equal(["category:self-harm", "keyword:self-harm"], alerts.Select(static a => a.Rule).Order());
        Assert.Contains(alerts, a => mail.Data.Contains("X-FilterProxy-Alert: " + a.Id, StringComparison.Ordinal));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sink.Messages.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        string body = string.Join("\n", sink.Messages.Select(static m => DecodeBody(m.Data)));
        Assert.Contains("(critical): Blocked attempt: Self-harm and suicide", body, StringComparison.Ordinal);
        Assert.Contains("(high): Monitored keyword (self-harm)", body, StringComparison.Ordinal);
        Assert.Contains("how to hurt myself", body, StringComparison.Ordinal);
        Assert.Contains("pupil1", body, StringComparison.Ordinal);
        Assert.Contains("LAPTOP-7", body, StringComparison.Ordinal);
    }

    /// <summary>System.Net.Mail sends UTF-8 bodies base64 or quoted-printable: decode whichever it chose.</summary>
    private static string DecodeBody(string data)
    {
        int blank = data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string headers = data[..blank];
        string body = data[(blank + 4)..];
        if (headers.Contains("base64", StringComparison.OrdinalIgnoreCase))
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split('\n').Select(static l => l.Trim()))));
        }

        return System.Text.RegularExpressions.Regex.Replace(body.Replace("=\r\n", "", StringComparison.Ordinal), "=([0-9A-F]{2})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
    }
}
