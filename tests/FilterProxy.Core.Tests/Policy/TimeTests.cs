using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Policy;

/// <summary>Schedules in the school's time zone and exceptions that lapse by themselves, on a fake clock.</summary>
public sealed class TimeTests : IDisposable
{
    private const string Config = """
    {
      "timeZone": "Europe/London",
      "lists": [ { "name": "g", "format": "domains", "category": "games", "source": "games.txt" },
                 { "name": "v", "format": "domains", "category": "violence", "source": "violence.txt" } ],
      "schedules": [
        { "name": "late", "profile": "secondary", "days": ["fri"], "from": "22:00", "to": "02:00", "action": "allow", "categories": ["games"] },
        { "name": "morning", "profile": "secondary", "days": ["weekdays"], "from": "09:00", "to": "10:00", "action": "block", "categories": ["streaming"] }
      ],
      "exceptions": [
        { "id": "ww2", "group": "year9", "target": "war.example/history", "start": "2026-11-23T09:00:00Z", "end": "2026-11-23T10:00:00Z",
          "requestedBy": "history-teacher", "approvedBy": "deputy-head", "reason": "WW2 sources" }
      ],
      "groups": { "year9": { "profile": "secondary", "networks": ["10.9.0.0/16"] } }
    }
    """;

    private readonly TempDirectory _dir = new();
    private readonly PolicySnapshot _snapshot;

    public TimeTests()
    {
        _snapshot = PolicyFixture.Load(_dir, Config, null, ("games.txt", "games.example\n"), ("violence.txt", "war.example\n"));
    }

    [Theory]
    [InlineData("2026-11-27T21:59:00Z", Verdict.Block)] // Friday before the window
    [InlineData("2026-11-27T22:00:00Z", Verdict.Allow)] // Friday 22:00 GMT
    [InlineData("2026-11-28T01:59:00Z", Verdict.Allow)] // runs past midnight into Saturday
    [InlineData("2026-11-28T02:00:00Z", Verdict.Block)] // window end is exclusive
    [InlineData("2026-11-28T22:30:00Z", Verdict.Block)] // Saturday is not a listed day
    public void Schedule_OvernightWindow(string at, Verdict expected)
    {
        Assert.Equal(expected, _snapshot.Check("games.example", "secondary", at: DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)).Verdict);
    }

    [Fact]
    public void Schedule_UsesSchoolTimeZone_AcrossDaylightSaving()
    {
        // The window is 09:00–10:00 London time. In July, 08:30 UTC is 09:30 BST (inside); in December it is 08:30 GMT (outside).
        using var dir = new TempDirectory();
        PolicySnapshot s = PolicyFixture.Load(dir, """
            { "lists": [ { "name": "g", "format": "domains", "category": "streaming", "source": "games.txt" } ],
              "profiles": { "staff": { "blockedCategories": [] } },
              "schedules": [ { "name": "am", "profile": "staff", "days": ["weekdays"], "from": "09:00", "to": "10:00", "action": "block", "categories": ["streaming"] } ] }
            """, null, ("games.txt", "video.example\n"));

        Assert.Equal(Verdict.Block, s.Check("video.example", "staff", at: new DateTimeOffset(2026, 7, 15, 8, 30, 0, TimeSpan.Zero)).Verdict);
        Assert.Equal(Verdict.Allow, s.Check("video.example", "staff", at: new DateTimeOffset(2026, 12, 15, 8, 30, 0, TimeSpan.Zero)).Verdict);
        Assert.Equal(Verdict.Block, s.Check("video.example", "staff", at: new DateTimeOffset(2026, 12, 15, 9, 30, 0, TimeSpan.Zero)).Verdict);
    }

    [Fact]
    public void Exception_AppliesOnlyInItsWindow_AndOnlyToItsGroup_AndLapsesByItself()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 59, 0, TimeSpan.Zero));
        var evaluator = new PolicyEvaluator(new PolicySnapshotHolder(_snapshot), clock);
        var year9 = System.Net.IPAddress.Parse("10.9.4.20");
        var other = System.Net.IPAddress.Parse("10.8.4.20");

        Decision Ask(System.Net.IPAddress client, string url = "http://war.example/history/ww2.html") =>
            evaluator.Evaluate(FilterRequest.ForUrl(url, client));

        Assert.Equal(DecisionReason.Category, Ask(year9).Reason);           // before the start: scheduled, not active
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DecisionReason.Exception, Ask(year9).Reason);          // active for year 9
        Assert.Equal(Verdict.Block, Ask(other).Verdict);                    // not for another class
        Assert.Equal(Verdict.Block, Ask(year9, "http://war.example/other").Verdict); // only the URL prefix
        Assert.Equal(ExceptionState.Active, _snapshot.Exceptions[0].StateAt(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(DecisionReason.Category, Ask(year9).Reason);           // lapsed, without anyone acting
        Assert.Equal(ExceptionState.Lapsed, _snapshot.Exceptions[0].StateAt(clock.GetUtcNow()));
    }

    [Fact]
    public void Suspension_EndsByItself()
    {
        using var dir = new TempDirectory();
        PolicySnapshot s = PolicyFixture.Load(dir, """
            { "suspensions": [ { "client": "192.168.5.7", "from": "2026-11-23T09:00:00Z", "until": "2026-11-23T12:00:00Z", "reason": "hogging bandwidth", "by": "tech" } ] }
            """);

        Assert.Equal(DecisionReason.Suspended, s.Check("example.org", "staff", "192.168.5.7", new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero)).Reason);
        Assert.Equal(DecisionReason.Default, s.Check("example.org", "staff", "192.168.5.8", new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero)).Reason);
        Assert.Equal(DecisionReason.Default, s.Check("example.org", "staff", "192.168.5.7", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)).Reason);
    }

    public void Dispose() => _dir.Dispose();
}
