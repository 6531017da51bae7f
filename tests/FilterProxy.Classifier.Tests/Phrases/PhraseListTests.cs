using FilterProxy.Classifier.Phrases;
using FilterProxy.Core.Categories;

namespace FilterProxy.Classifier.Tests.Phrases;

public sealed class PhraseListTests
{
    [Fact]
    public void Parse_ReadsCategoriesWeightsLanguagesAndComments()
    {
        const string text = """
            # a comment
            gambling 40 online casino   # trailing comment
            @language fr
            self-harm -60 fil santé jeunes
            """;

        (List<WeightedPhrase> phrases, List<PhraseListError> errors) = PhraseList.Parse(new StringReader(text), "test.txt");

        Assert.Empty(errors);
        Assert.Equal(2, phrases.Count);
        Assert.Equal(new WeightedPhrase(Category.Gambling, 40, "online casino", "en", "test.txt", 2), phrases[0]);
        Assert.Equal("fr", phrases[1].Language);
        Assert.Equal(-60, phrases[1].Weight);
    }

    [Theory]
    [InlineData("gambling", "expected: category weight phrase")]
    [InlineData("nonsense 10 word", "unknown category 'nonsense'")]
    [InlineData("gambling ten word", "'ten' is not a weight")]
    [InlineData("gambling 0 word", "'0' is not a weight")]
    [InlineData("gambling 10 !!!", "a phrase needs 1–6 words")]
    [InlineData("@language x", "'x' is not a language code")]
    public void Parse_ReportsEachBadLineWithItsNumber(string line, string message)
    {
        (List<WeightedPhrase> phrases, List<PhraseListError> errors) = PhraseList.Parse(new StringReader("gambling 10 fine\n" + line), "list.txt");

        Assert.Single(phrases);
        PhraseListError error = Assert.Single(errors);
        Assert.Equal(2, error.Line);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("list.txt:2:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BuiltIn_IsValidAndCoversTheHarmfulCategories()
    {
        List<WeightedPhrase> phrases = PhraseList.BuiltIn();

        foreach (Category c in new[] { Category.Pornography, Category.Gambling, Category.SelfHarm, Category.Drugs, Category.Violence, Category.Extremism })
        {
            Assert.Contains(phrases, p => p.Category == c && p.Weight > 0);
            Assert.Contains(phrases, p => p.Category == c && p.Weight < 0);
        }
    }
}
