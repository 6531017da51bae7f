using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;

namespace FilterProxy.Events.Tests.Alerts;

/// <summary>Many people at once (an outbreak, spoofed addresses): a few messages per rule, then one summary per window.</summary>
public sealed class NotificationBudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static Alert Raised(int n, string rule = "circumvention", AlertSeverity severity = AlertSeverity.Medium) => new()
    {
        Id = $"A20261122-{n:D6}",
        Created = T0,
        Updated = T0,
        Severity = severity,
        Rule = rule,
        Title = "Circumvention attempt (VPN, proxy or private DNS)",
        Subject = $"10.0.0.{n}",
        ClientIp = $"10.0.0.{n}",
        Trigger = new FilterEvent { Time = T0, Kind = EventKind.Circumvention, ClientIp = $"10.0.0.{n}", Verdict = "block" },
    };

    [Fact]
    public void Past_the_burst_alerts_are_held_and_summarised_when_the_window_ends()
    {
        var budget = new NotificationBudget(3, TimeSpan.FromMinutes(1));
        bool[] taken = [.. Enumerable.Range(1, 10).Select(n => budget.TryTake(Raised(n, severity: n == 7 ? AlertSeverity.Critical : AlertSeverity.Medium), T0.AddSeconds(n)))];

        Assert.Equal([true, true, true, false, false, false, false, false, false, false], taken);
        Assert.Empty(budget.Due(T0.AddSeconds(60)));              // the window opened with the first, at 0:01
        Alert summary = Assert.Single(budget.Due(T0.AddSeconds(61)));
        Assert.Equal(("A20261122-000004+6", 7, AlertSeverity.Critical), (summary.Id, summary.Count, summary.Severity));
        Assert.Equal("circumvention", summary.Rule);
        Assert.StartsWith("7 more alerts like this within 1 minute(s)", summary.Title, StringComparison.Ordinal);
        Assert.Equal("7 people or devices: 10.0.0.4, 10.0.0.5, 10.0.0.6, 10.0.0.7, 10.0.0.8 and 2 more", summary.Subject);
        Assert.Null(summary.ClientIp);
        Assert.Contains("A20261122-000010", Assert.Single(summary.History).Note, StringComparison.Ordinal);

        Assert.Empty(budget.Due(T0.AddSeconds(120)));              // said once
        Assert.True(budget.TryTake(Raised(11), T0.AddSeconds(121))); // a new window
    }

    [Fact]
    public void Each_rule_has_its_own_budget_and_a_quiet_rule_sends_no_summary()
    {
        var budget = new NotificationBudget(1, TimeSpan.FromMinutes(1));
        Assert.True(budget.TryTake(Raised(1, "circumvention"), T0));
        Assert.True(budget.TryTake(Raised(2, "category:self-harm"), T0));
        Assert.False(budget.TryTake(Raised(3, "circumvention"), T0));

        Alert summary = Assert.Single(budget.Due(T0.AddMinutes(1)));
        Assert.Equal(("circumvention", 1), (summary.Rule, summary.Count));
    }

    [Fact]
    public void At_shutdown_every_held_alert_is_summarised()
    {
        var budget = new NotificationBudget(0, TimeSpan.FromHours(1));
        Assert.False(budget.TryTake(Raised(1), T0));
        Assert.Equal(1, Assert.Single(budget.Due(T0, all: true)).Count);
    }
}
