using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;

namespace FilterProxy.Events.Tests.Stores;

/// <summary>
/// The one contract both stores keep (run against embedded SQLite and a real redis-server): what the
/// pipeline writes, the admin UI and command line read back the same way.
/// </summary>
public abstract class EventStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    protected IEventStore Store { get; set; } = null!;

    protected abstract Task<IEventStore> CreateStoreAsync();

    /// <summary>Changes one stored audit entry behind the store's back (what someone with access to the files or server could do).</summary>
    protected abstract Task TamperAuditAsync(long seq, string newActor);

    /// <summary>Removes one stored audit entry behind the store's back.</summary>
    protected abstract Task RemoveAuditAsync(long seq);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public async Task DisposeAsync() => await Store.DisposeAsync();

    protected static FilterEvent Event(int i, string? user = "pupil1", string verdict = "allow", EventKind kind = EventKind.Http, string client = "10.0.0.5",
        string? device = "LAPTOP-7", DateTimeOffset? time = null) => new()
    {
        Time = time ?? T0.AddSeconds(i),
        Kind = kind,
        Node = "node-a",
        Seq = i,
        ClientIp = client,
        Device = device,
        User = user,
        Profile = "ks2",
        Method = "GET",
        Host = $"site{i}.example",
        Url = $"http://site{i}.example/page?q={i}",
        Verdict = verdict,
        Categories = verdict == "block" ? ["gambling"] : [],
        Reason = verdict == "block" ? "category" : "allow",
        Status = verdict == "block" ? 403 : 200,
        LatencyMs = 1.5,
    };

    private Task<bool> Append(string id, params FilterEvent[] events) => Store.AppendAsync(new EventBatch(id, events), CancellationToken.None);

    [Fact]
    public async Task Append_ThenQueryByUser_NewestFirst_OnlyThatUser_Limited()
    {
        Assert.True(await Append("b1", Event(1), Event(2, user: "pupil2"), Event(3), Event(4, verdict: "block")));
        IReadOnlyList<FilterEvent> events = await Store.QueryAsync(new EventQuery { User = "pupil1", Limit = 10 }, default);
        Assert.Equal([4, 3, 1], events.Select(static e => (int)e.Seq));
        IReadOnlyList<FilterEvent> two = await Store.QueryAsync(new EventQuery { User = "pupil1", Limit = 2 }, default);
        Assert.Equal([4, 3], two.Select(static e => (int)e.Seq));
    }

    [Fact]
    public async Task Query_ByDeviceClientKindVerdictAndTime()
    {
        await Append("b1",
            Event(1, device: "IPAD-1", client: "10.0.0.9"),
            Event(2, kind: EventKind.Dns),
            Event(3, verdict: "block"),
            Event(4, kind: EventKind.Search, device: null, user: null, client: "10.0.0.9"),
            Event(5));
        Assert.Equal([1], (await Store.QueryAsync(new EventQuery { Device = "IPAD-1" }, default)).Select(static e => (int)e.Seq));
        Assert.Equal([4, 1], (await Store.QueryAsync(new EventQuery { ClientIp = "10.0.0.9" }, default)).Select(static e => (int)e.Seq));
        Assert.Equal([2], (await Store.QueryAsync(new EventQuery { Kind = EventKind.Dns }, default)).Select(static e => (int)e.Seq));
        Assert.Equal([3], (await Store.QueryAsync(new EventQuery { Blocked = true }, default)).Select(static e => (int)e.Seq));
        Assert.Equal([4, 3], (await Store.QueryAsync(new EventQuery { Since = T0.AddSeconds(3), Until = T0.AddSeconds(5) }, default)).Select(static e => (int)e.Seq));
        Assert.Equal([3, 2], (await Store.QueryAsync(new EventQuery { User = "pupil1", Since = T0.AddSeconds(2), Until = T0.AddSeconds(4) }, default)).Select(static e => (int)e.Seq));
        Assert.Equal([5, 4, 3, 2, 1], (await Store.QueryAsync(new EventQuery(), default)).Select(static e => (int)e.Seq));
    }

    [Fact]
    public async Task LargeBatch_ManyUsersAndAnOversizeEvent_EveryEventFoundInOrder()
    {
        // 600 events of 5 users in one batch (hundreds of KB: many storage chunks), one with a 20 KB URL.
        FilterEvent[] events = [.. Enumerable.Range(1, 600).Select(static i => Event(i, user: $"pupil{i % 5}", verdict: i % 7 == 0 ? "block" : "allow")
            with { Url = i == 300 ? "http://long.example/" + new string('x', 20_000) : $"http://site{i}.example/" + new string('p', i % 400) })];
        Assert.True(await Append("big", events));

        IReadOnlyList<FilterEvent> pupil0 = await Store.QueryAsync(new EventQuery { User = "pupil0", Limit = 1000 }, default);
        Assert.Equal(Enumerable.Range(1, 600).Where(static i => i % 5 == 0).Reverse(), pupil0.Select(static e => (int)e.Seq));
        Assert.Equal(20_020, pupil0.Single(static e => e.Seq == 300).Url!.Length);
        Assert.All(pupil0, e => Assert.Equal(events[(int)e.Seq - 1].Url, e.Url));
        Assert.Equal(600, (await Store.QueryAsync(new EventQuery { Limit = 1000 }, default)).Count);
        Assert.Equal(Enumerable.Range(1, 600).Where(static i => i % 7 == 0).Reverse(),
            (await Store.QueryAsync(new EventQuery { Blocked = true, Limit = 1000 }, default)).Select(static e => (int)e.Seq));
    }

    [Fact]
    public async Task Append_SameBatchTwice_IsStoredOnce()
    {
        Assert.True(await Append("node-a/1", Event(1), Event(2)));
        Assert.False(await Append("node-a/1", Event(1), Event(2)));
        Assert.Equal(2, (await Store.QueryAsync(new EventQuery(), default)).Count);
        Assert.Equal(2, (await Store.CountsAsync(DateOnly.FromDateTime(T0.UtcDateTime), DateOnly.FromDateTime(T0.UtcDateTime), default)).Sum(static c => c.Count));
    }

    [Fact]
    public async Task Event_RoundTripsEveryField()
    {
        FilterEvent e = Event(1, verdict: "block") with
        {
            Id = "R-7K2P",
            Kind = EventKind.Search,
            SearchTerm = "how to kms",
            Risk = "critical",
            Theme = "suicide",
            Content = "self-harm 0.93: 'kms' ×2",
            Score = 0.93,
            Categories = ["self-harm", "gambling"],
            Rule = "category:self-harm",
            List = "ut1/suicide",
            Note = "please check",
            Bytes = 1234,
            Protocol = "https",
            QueryType = "A",
            ResponseCode = "NXDOMAIN",
            CacheHit = true,
            Upstream = "127.0.0.1:53",
            UpstreamMs = 2.25,
        };
        await Append("b1", e);
        FilterEvent back = Assert.Single(await Store.QueryAsync(new EventQuery { User = "pupil1" }, default));
        Assert.Equal(e with { Categories = [] }, back with { Categories = [] });
        Assert.Equal(e.Categories, back.Categories);
    }

    [Fact]
    public async Task Counts_PerDayKindAndVerdict()
    {
        await Append("b1", Event(1), Event(2), Event(3, verdict: "block"), Event(4, kind: EventKind.Dns, time: T0.AddDays(1)),
            Event(5, kind: EventKind.Dns, time: T0.AddDays(1)) with { Repeats = 6 });   // six identical queries counted into one event
        IReadOnlyList<DayCount> counts = await Store.CountsAsync(DateOnly.FromDateTime(T0.UtcDateTime), DateOnly.FromDateTime(T0.UtcDateTime.AddDays(1)), default);
        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        Assert.Contains(new DayCount(day, "http", "allow", 2), counts);
        Assert.Contains(new DayCount(day, "http", "block", 1), counts);
        Assert.Contains(new DayCount(day.AddDays(1), "dns", "allow", 7), counts);
        Assert.Equal(3, counts.Count);
    }

    private static Alert NewAlert(string id, DateTimeOffset created, AlertSeverity severity, string subject = "pupil1") => new()
    {
        Id = id,
        Created = created,
        Updated = created,
        Severity = severity,
        Rule = "category:self-harm",
        Title = "Blocked attempt: self-harm",
        Subject = subject,
        User = subject,
        Trigger = Event(1, verdict: "block"),
        History = [new AlertAction(created, "filterproxy", "raised")],
    };

    [Fact]
    public async Task Alerts_SaveUpdateGetAndQuery()
    {
        await Store.SaveAlertAsync(NewAlert("a1", T0, AlertSeverity.High), default);
        await Store.SaveAlertAsync(NewAlert("a2", T0.AddMinutes(1), AlertSeverity.Low, "pupil2"), default);
        await Store.SaveAlertAsync(NewAlert("a3", T0.AddMinutes(2), AlertSeverity.Critical), default);
        Alert a1 = (await Store.GetAlertAsync("a1", default))!;
        Alert acknowledged = a1 with
        {
            Status = AlertStatus.Acknowledged,
            Updated = T0.AddMinutes(5),
            History = [.. a1.History, new AlertAction(T0.AddMinutes(5), "dsl@school", "acknowledged", "spoke to class teacher")],
        };
        await Store.SaveAlertAsync(acknowledged, default);

        Alert back = (await Store.GetAlertAsync("a1", default))!;
        Assert.Equal(AlertStatus.Acknowledged, back.Status);
        Assert.Equal(["raised", "acknowledged"], back.History.Select(static h => h.Action));
        Assert.Equal("spoke to class teacher", back.History[1].Note);
        Assert.Null(await Store.GetAlertAsync("missing", default));
        Assert.Equal(["a3", "a2", "a1"], (await Store.QueryAlertsAsync(new AlertQuery(), default)).Select(static a => a.Id));
        Assert.Equal(["a3"], (await Store.QueryAlertsAsync(new AlertQuery { Status = AlertStatus.New, MinSeverity = AlertSeverity.High }, default)).Select(static a => a.Id));
        Assert.Equal(["a2"], (await Store.QueryAlertsAsync(new AlertQuery { Subject = "pupil2" }, default)).Select(static a => a.Id));
        Assert.Equal(["a3"], (await Store.QueryAlertsAsync(new AlertQuery { Limit = 1 }, default)).Select(static a => a.Id));
    }

    [Fact]
    public async Task Audit_ChainsEntries_AndVerifies()
    {
        for (int i = 0; i < 5; i++)
        {
            await Store.AppendAuditAsync(new AuditRecord(T0.AddMinutes(i), "tech@school", "policy.change", $"profiles.ks2", $"deny += site{i}.example"), default);
        }

        List<AuditEntry> entries = await ToListAsync(Store.ReadAuditAsync(default));
        Assert.Equal([1, 2, 3, 4, 5], entries.Select(static e => (int)e.Seq));
        Assert.Equal(AuditChain.Genesis, entries[0].PreviousHash);
        Assert.All(entries.Skip(1).Zip(entries), p => Assert.Equal(p.Second.Hash, p.First.PreviousHash));
        Assert.True((await AuditChain.Verify(Store.ReadAuditAsync(default))).IsIntact);
    }

    [Fact]
    public async Task Audit_TamperedEntry_IsFoundByVerify()
    {
        for (int i = 0; i < 4; i++)
        {
            await Store.AppendAuditAsync(new AuditRecord(T0.AddMinutes(i), "tech@school", "alert.resolve", $"alert/{i}"), default);
        }

        await TamperAuditAsync(2, "someone-else");
        AuditVerification result = await AuditChain.Verify(Store.ReadAuditAsync(default));
        Assert.False(result.IsIntact);
        Assert.Contains(result.Problems, p => p.Contains("entry 2", StringComparison.Ordinal) && p.Contains("changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_RemovedEntry_IsFoundByVerify()
    {
        for (int i = 0; i < 4; i++)
        {
            await Store.AppendAuditAsync(new AuditRecord(T0.AddMinutes(i), "tech@school", "export.user", $"pupil{i}"), default);
        }

        await RemoveAuditAsync(3);
        AuditVerification result = await AuditChain.Verify(Store.ReadAuditAsync(default));
        Assert.Contains(result.Problems, p => p.Contains("entries 3–3 are missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Purge_KeepsEachKindForItsOwnRetention()
    {
        DateTimeOffset now = T0.AddDays(200);
        await Append("b1",
            Event(1, time: now.AddDays(-100)),                       // allowed, past 90 days: goes
            Event(2, verdict: "block", time: now.AddDays(-100)),     // blocked, within 365 days: stays
            Event(3, time: now.AddDays(-10)));                       // allowed, recent: stays
        await Store.SaveAlertAsync(NewAlert("old-resolved", now.AddDays(-800), AlertSeverity.High) with { Status = AlertStatus.Resolved }, default);
        await Store.SaveAlertAsync(NewAlert("old-open", now.AddDays(-800), AlertSeverity.High), default);
        await Store.SaveAlertAsync(NewAlert("recent", now.AddDays(-1), AlertSeverity.High) with { Status = AlertStatus.Resolved }, default);

        RetentionResult result = await Store.PurgeAsync(RetentionPolicy.Default, now, default);

        Assert.Equal([3, 2], (await Store.QueryAsync(new EventQuery(), default)).Select(static e => (int)e.Seq));
        Assert.Equal([3, 2], (await Store.QueryAsync(new EventQuery { User = "pupil1" }, default)).Select(static e => (int)e.Seq));
        Assert.Equal(1, result.Alerts);
        Assert.Equal(["recent", "old-open"], (await Store.QueryAlertsAsync(new AlertQuery(), default)).Select(static a => a.Id));
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
