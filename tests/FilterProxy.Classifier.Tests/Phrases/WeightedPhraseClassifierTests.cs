using FilterProxy.Classifier.Phrases;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Phrases;

public sealed class WeightedPhraseClassifierTests
{
    private static readonly WeightedPhraseClassifier s_builtIn = new(PhraseList.BuiltIn());

    [Fact]
    public void GamblingText_ScoresGamblingHigh_WithTheWeightiestPhrasesAsEvidence()
    {
        ContentVerdict verdict = s_builtIn.ClassifyText("Claim free spins at the best online casino! Online casino jackpot, deposit bonus, roulette.");

        CategoryScore top = verdict.Scores[0];
        Assert.Equal(Category.Gambling, top.Category);
        Assert.True(top.Score > 0.85, $"score {top.Score}");
        Assert.StartsWith("online casino (+50 ×2)", top.Evidence[0], StringComparison.Ordinal);
    }

    [Fact]
    public void SupportPage_NegativePhrasesOutweighTheWordsItExplains()
    {
        ContentVerdict verdict = s_builtIn.ClassifyText("If you have thought about cutting myself or suicide methods, you are not alone. Talk to someone at Childline or the Samaritans.");

        Assert.DoesNotContain(verdict.Scores, s => s.Category == Category.SelfHarm);
    }

    [Theory]
    [InlineData("Online-Casino!!", true)]     // punctuation between words is a word boundary
    [InlineData("ONLINE   CASINO", true)]     // case and spacing do not matter
    [InlineData("onlinecasino", false)]       // but words must be words
    [InlineData("online casinos", false)]     // no stemming in phrase lists (the model handles variants)
    public void Phrases_MatchWholeWords(string text, bool matches)
    {
        var classifier = new WeightedPhraseClassifier([new WeightedPhrase(Category.Gambling, 500, "online casino", "en", "test", 1)]);

        Assert.Equal(matches, classifier.ClassifyText(text).Scores.Count > 0);
    }

    [Fact]
    public void RepeatedPhrase_CountsAtMostFiveTimes()
    {
        var classifier = new WeightedPhraseClassifier([new WeightedPhrase(Category.Gambling, 20, "poker", "en", "test", 1)]);

        double five = classifier.ClassifyText(string.Concat(Enumerable.Repeat("poker ", 5))).Scores[0].Score;
        double fifty = classifier.ClassifyText(string.Concat(Enumerable.Repeat("poker ", 50))).Scores[0].Score;

        Assert.Equal(five, fifty);
        Assert.Equal(1 - Math.Exp(-1), five, 6);
    }

    [Fact]
    public async Task ClassifyAsync_ReadsVisibleHtmlOnly()
    {
        byte[] html = System.Text.Encoding.UTF8.GetBytes("<html><script>online casino online casino</script><body><p>maths homework</p></body></html>");

        ContentVerdict verdict = await s_builtIn.ClassifyAsync(new ContentSample(ContentKind.Html, html, null, "x.test"), CancellationToken.None);

        Assert.Empty(verdict.Scores);
    }
}
