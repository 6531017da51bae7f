using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Events.Tests.Serialization;

public sealed class EventJsonTests
{
    [Fact]
    public void Json_KeepsUrlsAndSearchTermsReadable_AndRoundTrips()
    {
        var e = new FilterEvent
        {
            Time = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero),
            Kind = EventKind.BlockPageAction,
            Verdict = "allow",
            Url = "https://www.google.com/search?q=kill+bill&x='1'",
            SearchTerm = "café \"quotes\" <b>",
        };
        string json = EventJson.Serialize(e);
        Assert.Contains("q=kill+bill&x='1'", json, StringComparison.Ordinal);
        Assert.Contains("café", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"block-page-action\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("isBlocked", json, StringComparison.Ordinal);   // derived properties are not stored
        Assert.DoesNotContain("subject", json, StringComparison.Ordinal);
        Assert.Equal(e with { Categories = [] }, EventJson.Event(json) with { Categories = [] });
    }
}
