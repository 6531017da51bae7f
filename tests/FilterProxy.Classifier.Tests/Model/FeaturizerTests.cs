using FilterProxy.Classifier.Features;

namespace FilterProxy.Classifier.Tests.Model;

public sealed class FeaturizerTests
{
    private readonly struct Recorder(List<(int Row, bool Word, string Text)> seen, string text) : IFeatureVisitor
    {
        public void Feature(int row, bool word, int start, int length) => seen.Add((row, word, text.Substring(start, length)));
    }

    private static List<(int Row, bool Word, string Text)> Features(string normalised, FeatureSettings? settings = null)
    {
        var seen = new List<(int, bool, string)>();
        var recorder = new Recorder(seen, normalised);
        Featurizer.Visit(settings ?? new FeatureSettings(), normalised, ref recorder);
        return seen;
    }

    [Fact]
    public void Words_AreUnigramsAndBigrams()
    {
        List<string> words = [.. Features("free spins today ").Where(static f => f.Word).Select(static f => f.Text)];

        Assert.Equal(["free", "spins", "free spins", "today", "spins today"], words);
    }

    [Fact]
    public void Characters_AreThreeToFiveGrams_AcrossWordBoundaries()
    {
        // " ab cd " has 7 positions: 3-grams at 5 starts, 4-grams at 4, 5-grams at 3.
        var chars = Features("ab cd ").Where(static f => !f.Word).ToList();

        Assert.Equal(5 + 4 + 3, chars.Count);
        Assert.Contains(chars, static f => f.Text == "b c");             // spans the space between the words
        Assert.All(chars, static f => Assert.InRange(f.Row, new FeatureSettings().WordSlots, new FeatureSettings().Rows - 1));
    }

    [Fact]
    public void SameText_SameRows_DifferentText_DifferentRows()
    {
        int[] a = [.. Features("online casino ").Select(static f => f.Row)];
        int[] b = [.. Features("online casino ").Select(static f => f.Row)];
        int[] c = [.. Features("online cinema ").Select(static f => f.Row)];

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
