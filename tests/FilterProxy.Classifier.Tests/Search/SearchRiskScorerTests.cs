using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Search;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Search;

public sealed class SearchRiskScorerTests
{
    private static readonly ISearchRiskScorer s_scorer = ShippedModels.SearchRisk();

    [Theory]
    [InlineData("how to kms", "critical", "suicide")]
    [InlineData("best way to unalive myself", "critical", "suicide")]
    [InlineData("sewer slide", "high", "suicide")]
    [InlineData("h0w t0 k!ll mys3lf", "critical", "suicide")]
    [InlineData("how to cut myself without my parents knowing", "critical", "self-harm")]
    [InlineData("pro ana tips", "high", "self-harm")]
    [InlineData("he is 25 and wants to meet me alone dont tell my parents", "critical", "grooming")]
    [InlineData("how to make a pipe bomb", "critical", "violence")]
    [InlineData("comment se suicider", "critical", "suicide")]
    [InlineData("wie ritze ich mich", "critical", "self-harm")] // "how do I cut myself": first person and a method
    public void WorryingSearches_AreScoredWithTheirTheme(string query, string level, string theme)
    {
        SearchRisk risk = s_scorer.Score(query);

        Assert.Equal((level, theme), (risk.Level, risk.Theme));
    }

    [Theory]
    [InlineData("how did hitler rise to power")]
    [InlineData("kill bill cast")]
    [InlineData("i want to cut my hair")]
    [InlineData("how to kill a process in linux")]
    [InlineData("suicide squad cast")]
    [InlineData("samaritans phone number")]
    [InlineData("romeo and juliet suicide scene analysis")]
    [InlineData("easy cake recipe")]
    public void HomeworkWithTriggerWords_StaysAtNoneOrLow(string query)
    {
        Assert.Contains(s_scorer.Score(query).Level, new[] { "none", "low" });
    }

    [Fact]
    public void BadPhraseLines_AreReportedWithTheirLine()
    {
        using var reader = new StringReader("high suicide kill myself\nsevere suicide x\nhigh cooking recipe\nhigh suicide !!!\n");
        (List<SearchPhrase> phrases, List<string> errors) = SearchPhrases.Parse(reader, "mine.txt", TextNormaliser.Default);

        Assert.Single(phrases);
        Assert.Equal(["mine.txt:2", "mine.txt:3", "mine.txt:4"], errors.Select(static e => e[..e.IndexOf(": ", StringComparison.Ordinal)]));
    }
}
