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

public sealed class FilterEventWriterTests
{
    private static readonly string[] s_texts =
    [
        "", "jsmith", "https://www.google.com/search?q=kill+bill&x='1'", "café \"quotes\" <b> & \\ back",
        "tab\tnew\nline\u0001\u001f", "emoji 😀 and 漢字", "\u2028\u2029", "ünïcödé-ß", "a/b?c=d#e",
    ];

    private static readonly double[] s_numbers = [0, 0.1, 1.5, 12.345678901234567, 1e-7, 123456789.125, double.Epsilon, -3.25];

    [Fact]
    public void Write_GivesTheGeneratedSerializersBytes_ForThousandsOfVariedEvents()
    {
        var random = new Random(20261121);
        for (int i = 0; i < 5_000; i++)
        {
            FilterEvent e = RandomEvent(random);
            string expected = System.Text.Encoding.UTF8.GetString(EventJson.SerializeGenerated(e));
            Assert.Equal(expected, EventJson.Serialize(e));
            Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(EventJson.SerializeToUtf8(e)));
        }
    }

    [Fact]
    public void Write_CoversEveryStoredProperty()
    {
        // Every stored property set: a property added to FilterEvent but not to FilterEventWriter makes this differ.
        FilterEvent e = RandomEvent(new Random(1), allSet: true);
        string json = EventJson.Serialize(e);
        foreach (var p in typeof(FilterEvent).GetProperties().Where(p => p.CanWrite))
        {
            Assert.Contains($"\"{char.ToLowerInvariant(p.Name[0])}{p.Name[1..]}\":", json, StringComparison.Ordinal);
        }

        Assert.Equal(System.Text.Encoding.UTF8.GetString(EventJson.SerializeGenerated(e)), json);
    }

    /// <summary>Sets every settable property by reflection, so a new property is covered without touching this test.</summary>
    private static FilterEvent RandomEvent(Random random, bool allSet = false)
    {
        var e = new FilterEvent
        {
            Time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(random.Next(-12, 15) * 60))
                .AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 365)),
            Kind = (EventKind)random.Next(Enum.GetValues<EventKind>().Length),
            Verdict = "allow",
        };
        foreach (var p in typeof(FilterEvent).GetProperties().Where(p => p.CanWrite && p.Name is not nameof(FilterEvent.Time) and not nameof(FilterEvent.Kind)))
        {
            bool set = allSet || random.Next(3) > 0;
            if (!set)
            {
                continue;
            }

            Type t = p.PropertyType;
            object? value =
                t == typeof(string) ? s_texts[random.Next(s_texts.Length)] :
                t == typeof(long) ? random.NextInt64(-1, long.MaxValue) :
                t == typeof(int) || t == typeof(int?) ? random.Next(-1, 600) :
                t == typeof(bool) ? random.Next(2) == 1 :
                t == typeof(bool?) ? random.Next(2) == 1 :
                t == typeof(double) || t == typeof(double?) ? s_numbers[random.Next(s_numbers.Length)] * (random.Next(2) == 0 ? 1 : random.Next(1, 100_000)) :
                t == typeof(IReadOnlyList<string>) ? Enumerable.Range(0, allSet ? 2 : random.Next(4)).Select(_ => s_texts[random.Next(s_texts.Length)]).ToArray() :
                throw new InvalidOperationException($"FilterEvent.{p.Name} has a type ({t}) this test does not fill yet: add it here");
            p.SetValue(e, value);
        }

        return e;
    }
}
