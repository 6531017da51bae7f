using FilterProxy.Classifier.Streaming;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Streaming;

public sealed class StreamDecisionTests
{
    private static readonly CategorySet s_blocked = CategorySet.Of(Category.SelfHarm, Category.Gambling);

    [Fact]
    public void ALoneWindowOverTheThreshold_DoesNotStop_EveryJudgmentOverEnoughNewTextDoes()
    {
        var decision = new StreamDecision(s_blocked, 0.5);

        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.6), 1000));
        Assert.Null(decision.Next(ContentVerdict.Clean, 1100));
        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.6), 1200));
        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.6), 1300));          // 100 characters on: not yet
        Assert.Null(decision.Next(Verdict(Category.Gambling, 0.65), 1500));          // another category starts its own count
        Assert.Null(decision.Next(Verdict(Category.Gambling, 0.6), 1600));
        Assert.NotNull(decision.Next(Verdict(Category.Gambling, 0.6), 1500 + StreamDecision.ConfirmChars));
    }

    [Fact]
    public void AScoreWellClearOfTheThreshold_StopsAtOnce()
    {
        Assert.NotNull(new StreamDecision(s_blocked, 0.5).Next(Verdict(Category.SelfHarm, 0.5 + StreamDecision.StrongMargin), 300));
    }

    [Fact]
    public void TheLastJudgment_StopsWithoutANextOne()
    {
        var decision = new StreamDecision(s_blocked, 0.5);

        Assert.Null(decision.AtEnd());
        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.6), 300));
        Assert.Equal(Category.SelfHarm, decision.AtEnd()!.Scores[0].Category);
    }

    [Fact]
    public void ACategoryTheProfileAllows_OrBelowTheThreshold_NeverStops()
    {
        var decision = new StreamDecision(s_blocked, 0.5);

        for (int at = 300; at < 3000; at += 300)
        {
            Assert.Null(decision.Next(Verdict(Category.Drugs, 0.9), at));
            Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.4), at + 100));
        }

        Assert.Null(decision.AtEnd());
    }

    private static ContentVerdict Verdict(Category category, double score) => new([new CategoryScore(category, score, [])]);
}
