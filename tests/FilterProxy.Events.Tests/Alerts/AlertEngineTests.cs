using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Keywords;
using FilterProxy.Tests.Common;

namespace FilterProxy.Events.Tests.Alerts;

/// <summary>Alert rules, throttling and escalation, on a fake clock.</summary>
public sealed class AlertEngineTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly List<AlertChange> _changes = [];
    private readonly AlertEngine _engine;
    private AlertSettings _settings = new();

    public AlertEngineTests()
    {
        KeywordMatcher keywords = KeywordList.Load([]).Matcher;
        _engine = new AlertEngine(() => _settings, () => keywords, _clock, _changes.Add);
    }

    private FilterEvent Event(string verdict = "block", string[]? categories = null, string user = "pupil1", EventKind kind = EventKind.Http,
        string? search = null, string? url = null, string? risk = null, string? theme = null) => new()
    {
        Time = _clock.GetUtcNow(),
        Kind = kind,
        Node = "node-a",
        ClientIp = "10.0.0.5",
        User = user,
        Verdict = verdict,
        Categories = categories ?? [],
        SearchTerm = search,
        Url = url,
        Risk = risk,
        Theme = theme,
    };

    private void Observe(params FilterEvent[] events) => _engine.Observe(events);

    private List<Alert> Raised => [.. _changes.Where(static c => c.Kind == AlertChangeKind.Raised).Select(static c => c.Alert)];

    [Theory]
    [InlineData("self-harm", AlertSeverity.Critical)]
    [InlineData("csam", AlertSeverity.Critical)]
    [InlineData("terrorism", AlertSeverity.Critical)]
    [InlineData("extremism", AlertSeverity.High)]
    [InlineData("gambling", AlertSeverity.Low)]
    public void BlockedAttempt_InAlertingCategory_RaisesAtItsSeverity(string category, AlertSeverity severity)
    {
        Observe(Event(categories: [category]));
        Alert a = Assert.Single(Raised);
        Assert.Equal(severity, a.Severity);
        Assert.Equal($"category:{category}", a.Rule);
        Assert.Equal("pupil1", a.Subject);
        Assert.Equal(AlertStatus.New, a.Status);
        Assert.Equal("raised", Assert.Single(a.History).Action);
    }

    [Theory]
    [InlineData("gambling", AlertSeverity.Medium)]
    [InlineData("extremism", AlertSeverity.Critical)]
    [InlineData("self-harm", AlertSeverity.Critical)] // already the top: stays there
    public void A_vulnerable_pupils_alert_is_one_level_more_urgent(string category, AlertSeverity severity)
    {
        Observe(Event(categories: [category]) with { Vulnerable = true });
        Alert a = Assert.Single(Raised);
        Assert.Equal(severity, a.Severity);
        Assert.Contains("vulnerable", a.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowedVisit_OrNonAlertingCategory_RaisesNothing()
    {
        Observe(Event(verdict: "allow", categories: ["self-harm"]), Event(categories: ["social-media"]));
        Assert.Empty(_changes);
    }

    [Fact]
    public void MostSevereCategory_Wins()
    {
        Observe(Event(categories: ["gambling", "self-harm", "violence"]));
        Assert.Equal("category:self-harm", Assert.Single(Raised).Rule);
    }

    [Fact]
    public void SameRuleSamePerson_WithinThrottle_FoldsIntoOpenAlert_ThenRaisesAfresh()
    {
        Observe(Event(categories: ["self-harm"]));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Observe(Event(categories: ["self-harm"]), Event(categories: ["self-harm"], user: "pupil2"));
        Assert.Equal(2, Raised.Count);                        // pupil1 once, pupil2 once
        AlertChange folded = Assert.Single(_changes, static c => c.Kind == AlertChangeKind.Folded);
        Assert.Equal(2, folded.Alert.Count);
        Assert.Equal(Raised[0].Id, folded.Alert.Id);

        _clock.Advance(TimeSpan.FromMinutes(16));             // throttle (15 minutes) over
        Observe(Event(categories: ["self-harm"]));
        Assert.Equal(3, Raised.Count);
    }

    [Fact]
    public void ResolvedAlert_IsNotFoldedInto()
    {
        Observe(Event(categories: ["self-harm"]));
        _engine.OnUpdated(Raised[0] with { Status = AlertStatus.Resolved });
        Observe(Event(categories: ["self-harm"]));
        Assert.Equal(2, Raised.Count);
    }

    [Fact]
    public void RepeatedBlocks_RaiseThenEscalate()
    {
        _settings = _settings with { Categories = new Dictionary<Core.Categories.Category, AlertSeverity>() };
        for (int i = 0; i < 4; i++)
        {
            Observe(Event(categories: ["games"]));
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(_changes);
        Observe(Event(categories: ["games"]));                  // 5th within 10 minutes
        Alert raised = Assert.Single(Raised);
        Assert.Equal(("repeated-blocks", AlertSeverity.Medium), (raised.Rule, raised.Severity));

        for (int i = 0; i < 5; i++)
        {
            Observe(Event(categories: ["games"]));              // 10 within the window
        }

        AlertChange escalated = Assert.Single(_changes, static c => c.Kind == AlertChangeKind.Escalated);
        Assert.Equal(AlertSeverity.High, escalated.Alert.Severity);
        Assert.Equal(raised.Id, escalated.Alert.Id);
        Assert.Equal("escalated", escalated.Alert.History[^1].Action);
    }

    [Fact]
    public void A_flood_of_new_people_is_bounded_and_the_recently_active_keep_their_counts()
    {
        // Spoofed source addresses make every blocked query a new "person" (the client address is the subject).
        var engine = new AlertEngine(() => _settings, () => KeywordList.Load([]).Matcher, _clock, _changes.Add, remembered: 50);
        _settings = _settings with { Categories = new Dictionary<Core.Categories.Category, AlertSeverity>() };
        for (int i = 0; i < 4; i++)
        {
            engine.Observe([Event(categories: ["games"], user: "pupil1")]);
            engine.Observe([.. Enumerable.Range(0, 40).Select(n => Event(categories: ["games"], user: $"spoofed-{i}-{n}"))]);
        }

        Assert.Empty(_changes);
        Assert.Equal(160 + 1 - 50, engine.Forgotten); // 161 people, 50 remembered
        engine.Observe([Event(categories: ["games"], user: "pupil1")]); // the 5th: still counted although 160 others came since the 1st
        Alert raised = Assert.Single(Raised);
        Assert.Equal(("repeated-blocks", "pupil1"), (raised.Rule, raised.Subject));
    }

    [Fact]
    public void Open_alerts_are_bounded_and_a_forgotten_one_is_raised_afresh()
    {
        var engine = new AlertEngine(() => _settings, () => KeywordList.Load([]).Matcher, _clock, _changes.Add, remembered: 10);
        engine.Observe([.. Enumerable.Range(0, 30).Select(n => Event(kind: EventKind.Circumvention, user: $"device-{n}"))]);
        Assert.Equal(30, Raised.Count);
        Assert.Equal(20 + 20, engine.Forgotten); // 20 open alerts, and (a circumvention attempt is blocked) 20 attempt counts
        engine.Observe([Event(kind: EventKind.Circumvention, user: "device-29"), Event(kind: EventKind.Circumvention, user: "device-0")]);

        Assert.Single(_changes, static c => c.Kind == AlertChangeKind.Folded && c.Alert.Subject == "device-29");
        Assert.Equal(2, Raised.Count(static a => a.Subject == "device-0")); // forgotten: a new alert, not lost
    }

    [Fact]
    public void RepeatedBlocks_SpreadOutBeyondTheWindow_DoNotCount()
    {
        _settings = _settings with { Categories = new Dictionary<Core.Categories.Category, AlertSeverity>() };
        for (int i = 0; i < 10; i++)
        {
            Observe(Event(categories: ["games"]));
            _clock.Advance(TimeSpan.FromMinutes(3));
        }

        Assert.Empty(_changes);
    }

    [Theory]
    [InlineData("high", "suicide", AlertSeverity.High)]
    [InlineData("critical", "self-harm", AlertSeverity.Critical)]
    [InlineData("medium", "bullying", AlertSeverity.Medium)]
    public void SearchRisk_AtOrAboveMinimum_Raises(string risk, string theme, AlertSeverity severity)
    {
        Observe(Event(verdict: "allow", kind: EventKind.Search, search: "(scored by the classifier)", risk: risk, theme: theme));
        Alert a = Assert.Single(Raised);
        Assert.Equal((severity, $"search-risk:{theme}"), (a.Severity, a.Rule));
    }

    [Fact]
    public void SearchRisk_BelowMinimum_RaisesNothing()
    {
        Observe(Event(verdict: "allow", kind: EventKind.Search, search: "x", risk: "low", theme: "bullying"));
        Assert.Empty(_changes);
    }

    [Theory]
    [InlineData("i want to die", null, "suicide", AlertSeverity.Critical)]
    [InlineData("How to hang MYSELF", null, "suicide", AlertSeverity.Critical)]
    [InlineData(null, "https://www.google.com/search?q=send+nudes", "sexting", AlertSeverity.High)]
    [InlineData("quiero morir", null, "suicide", AlertSeverity.Critical)]
    [InlineData("chcę umrzeć", null, "suicide", AlertSeverity.Critical)]
    [InlineData("dont tell your parents", null, "grooming", AlertSeverity.High)]
    public void MonitoredKeyword_InSearchOrUrl_Raises(string? search, string? url, string theme, AlertSeverity severity)
    {
        Observe(Event(verdict: "allow", kind: EventKind.Search, search: search, url: url));
        Alert a = Assert.Single(Raised);
        Assert.Equal(($"keyword:{theme}", severity), (a.Rule, a.Severity));
    }

    [Theory]
    [InlineData("kill bill cast")]
    [InlineData("how did hitler rise to power")]
    [InlineData("i want to cut my hair")]
    [InlineData("diet plans")]
    public void BenignSearch_RaisesNothing(string search)
    {
        Observe(Event(verdict: "allow", kind: EventKind.Search, search: search, url: "https://www.bing.com/search?q=" + Uri.EscapeDataString(search)));
        Assert.Empty(_changes);
    }

    [Fact]
    public void Circumvention_Raises()
    {
        Observe(Event(kind: EventKind.Circumvention, categories: ["proxies"]));
        Assert.Equal(("circumvention", AlertSeverity.Medium), (Raised[0].Rule, Raised[0].Severity));
    }

    [Theory]
    [InlineData("ks2", "help service", true)]
    [InlineData("secondary", "spliced; help service", true)]
    [InlineData("staff", "help service", false)]   // staff are not pupils: their research raises nothing
    [InlineData("ks2", "spliced", false)]
    public void APupilReachingACrisisHelpService_RaisesAGentleAlert(string profile, string note, bool raised)
    {
        Observe(Event(verdict: "allow") with { Profile = profile, Note = note, Host = "www.childline.org.uk" });

        if (raised)
        {
            Alert alert = Assert.Single(Raised);
            Assert.Equal(("help-service-visit", AlertSeverity.Low), (alert.Rule, alert.Severity));
            Assert.Contains("www.childline.org.uk", alert.Title, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(Raised);
        }
    }

    [Fact]
    public void NoSubject_RaisesNothing()
    {
        _engine.Observe([Event(categories: ["self-harm"]) with { User = null, ClientIp = null }]);
        Assert.Empty(_changes);
    }
}
