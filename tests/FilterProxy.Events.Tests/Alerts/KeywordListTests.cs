using FilterProxy.Core.Events;
using FilterProxy.Events.Keywords;

namespace FilterProxy.Events.Tests.Alerts;

public sealed class KeywordListTests
{
    [Fact]
    public void Parse_ReadsThemesSeveritiesLanguages_AndReportsBadLinesByNumber()
    {
        (List<Keyword> keywords, List<KeywordError> errors) = KeywordList.Parse("""
            # comment
            @language fr
            suicide critical envie de mourir
            bullying loud idiot
            scams medium
            @language
            gambling low Free Spins!
            """, "test.txt");
        Assert.Equal(["envie de mourir", "free spins"], keywords.Select(static k => k.Phrase));
        Assert.Equal(("fr", AlertSeverity.Critical, "suicide"), (keywords[0].Language, keywords[0].Severity, keywords[0].Theme));
        Assert.Equal(["test.txt:4: 'loud' is not a severity (info, low, medium, high, critical)", "test.txt:5: expected '<theme> <severity> <phrase>'", "test.txt:6: write '@language xx'"],
            errors.Select(static e => e.ToString()));
    }

    [Fact]
    public void BuiltInList_LoadsWithoutErrors_InSeveralLanguages()
    {
        (KeywordMatcher matcher, List<KeywordError> errors) = KeywordList.Load([]);
        Assert.Empty(errors);
        Assert.True(matcher.Count > 50);
        (List<Keyword> keywords, _) = KeywordList.Parse(KeywordList.ReadDefault(), "built-in");
        Assert.True(keywords.Select(static k => k.Language).Distinct().Count() >= 5);
    }

    [Theory]
    [InlineData("I want to DIE", "want to die")]
    [InlineData("want%20to%20die", "want to die")]
    [InlineData("don't tell your parents", "dont tell your parents")]
    [InlineData("wanttodie", null)]
    [InlineData("want to diet", null)]
    public void Match_WholeWordsOnly(string text, string? expected)
    {
        KeywordMatcher matcher = KeywordList.Load([]).Matcher;
        Assert.Equal(expected, matcher.Match(text).FirstOrDefault()?.Phrase);
    }
}
