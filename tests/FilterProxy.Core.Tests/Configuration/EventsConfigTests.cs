using FilterProxy.Core.Categories;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Configuration;

public sealed class EventsConfigTests
{
    [Fact]
    public void EventsSettings_BadValuesAreReportedWithTheirPaths()
    {
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors("""
            {
              "events": { "store": "mongo", "sharedPolicy": true, "nodeId": "gw 1", "keywordLists": [ "missing.txt" ],
                          "retention": { "allowedDays": 0 },
                          "alerts": { "categories": { "gambling": "loud", "astrology": "high" }, "searchRiskMin": "7", "repeatCount": 0,
                                      "webhooks": [ { "url": "ftp://x.example/" } ], "email": { "smtpHost": "smtp.example" } } }
            }
            """);
        string all = string.Join("\n", errors.Select(e => e.ToString()));
        foreach (string expected in new[]
        {
            "events.store: 'mongo' is not a store",
            "events.sharedPolicy: a shared policy needs events.store = redis",
            "events.nodeId: 'gw 1' may not contain spaces",
            "events.keywordLists[0]:",
            "events.retention.allowedDays: 0 is outside 1–3650 days",
            "events.alerts.categories.gambling: 'loud' is not one of: info, low, medium, high, critical",
            "events.alerts.categories.astrology: 'astrology' is not a category",
            "events.alerts.searchRiskMin: '7' is not one of",
            "events.alerts.repeatCount: 0 is outside",
            "events.alerts.webhooks[0].url: 'ftp://x.example/' is not an http(s) URL",
            "events.alerts.email: needs smtpHost, from and at least one address in to",
        })
        {
            Assert.Contains(expected, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RedisStore_NeedsAnAddress()
    {
        Assert.Contains(PolicyFixture.Errors("""{ "events": { "store": "redis" } }"""), e => e.Path == "events.redis");
    }

    [Fact]
    public void EventsSettings_Defaults_AndOverrides()
    {
        using var dir = new TempDirectory();
        EventSettings d = PolicyFixture.Load(dir, "{}").Settings.Events;
        Assert.Equal((EventStoreKind.Sqlite, TimeSpan.FromDays(90), TimeSpan.FromDays(365)), (d.Store, d.Retention.Allowed, d.Retention.Blocked));
        Assert.Equal(AlertSeverity.Critical, d.Alerts.Categories[Category.SelfHarm]);

        EventSettings s = PolicyFixture.Load(dir, """
            { "events": { "store": "Redis", "redis": "127.0.0.1:6379", "retention": { "allowedDays": 30 },
                          "alerts": { "categories": { "gambling": "high", "pornography": "off" }, "searchRiskMin": "High" } } }
            """).Settings.Events;
        Assert.Equal((EventStoreKind.Redis, TimeSpan.FromDays(30)), (s.Store, s.Retention.Allowed));
        Assert.Equal(AlertSeverity.High, s.Alerts.Categories[Category.Gambling]);
        Assert.False(s.Alerts.Categories.ContainsKey(Category.Pornography));
        Assert.Equal(AlertSeverity.High, s.Alerts.SearchRiskMin);
    }

    [Theory]
    [InlineData("critical", true, AlertSeverity.Critical)]
    [InlineData("Self-Harm", false, default(AlertSeverity))]
    [InlineData("3", false, default(AlertSeverity))]
    [InlineData(null, false, default(AlertSeverity))]
    public void EnumWords_TakeNamesNotNumbers(string? text, bool ok, AlertSeverity expected)
    {
        Assert.Equal(ok, EnumWords.TryParse(text, out AlertSeverity value));
        Assert.Equal(expected, value);
        Assert.True(EnumWords.TryParse("self-harm", out Category c) && c == Category.SelfHarm);
    }
}
