using FilterProxy.Classifier.Streaming;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Streaming;

public sealed class StreamDecisionTests
{
    private static readonly CategorySet s_blocked = CategorySet.Of(Category.SelfHarm, Category.Gambling);

    [Fact]
    public void ALoneWindowOverTheThreshold_DoesNotStop_TwoRunningDo()
    {
        var decision = new StreamDecision(s_blocked, 0.5);

        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.7)));
        Assert.Null(decision.Next(ContentVerdict.Clean));
        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.7)));
        Assert.Null(decision.Next(Verdict(Category.Gambling, 0.9))); // another category starts its own count
        Assert.NotNull(decision.Next(Verdict(Category.Gambling, 0.6)));
    }

    [Fact]
    public void TheLastJudgment_StopsWithoutANextOne()
    {
        var decision = new StreamDecision(s_blocked, 0.5);

        Assert.Null(decision.AtEnd());
        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.7)));
        Assert.Equal(Category.SelfHarm, decision.AtEnd()!.Scores[0].Category);
    }

    [Fact]
    public void ACategoryTheProfileAllows_OrBelowTheThreshold_NeverStops()
    {
        var decision = new StreamDecision(s_blocked, 0.5);

        Assert.Null(decision.Next(Verdict(Category.Drugs, 0.9)));
        Assert.Null(decision.Next(Verdict(Category.Drugs, 0.9)));
        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.4)));
        Assert.Null(decision.Next(Verdict(Category.SelfHarm, 0.4)));
        Assert.Null(decision.AtEnd());
    }

    private static ContentVerdict Verdict(Category category, double score) => new([new CategoryScore(category, score, [])]);
}
