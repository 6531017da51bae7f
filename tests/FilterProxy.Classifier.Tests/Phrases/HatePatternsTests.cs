using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Phrases;

namespace FilterProxy.Classifier.Tests.Phrases;

public sealed class HatePatternsTests
{
    private static int Hits(string text) => HatePatterns.Shared.Find(TextNormaliser.Default.Normalise(text)).Hits;

    [Theory]
    [InlineData("Muslims are vermin and should be deported")]
    [InlineData("Ich hasse Ausländer, sie sind Parasiten")]
    [InlineData("os imigrantes são lixo")]
    [InlineData("women belong in the kitchen")]
    [InlineData("I hate all the immigrants in this town")]
    public void GroupBesideSomethingHostile_IsAPattern(string text) => Assert.True(Hits(text) > 0, text);

    [Theory]
    [InlineData("Muslims celebrate Eid with family and friends")]    // a group alone
    [InlineData("Rats are vermin and spread disease")]                // hostile words alone
    [InlineData("I hate Mondays")]
    [InlineData("It is wrong to say that immigrants are criminals")]   // counter-speech cancels
    [InlineData("We support gay people in our school")]
    [InlineData("Refugees are welcome here")]
    public void GroupOrHostileWordsAlone_OrCounterSpeech_IsNot(string text) => Assert.Equal(0, Hits(text));

    [Fact]
    public void OneMention_CountsOnce_AndFarApartDoesNotCount()
    {
        Assert.Equal(1, Hits("gay people are disgusting"));   // "gay people" holds "gay" too
        Assert.Equal(0, Hits("muslims live in many countries around the world and some people say rats are vermin"));
    }

    [Fact]
    public void BuiltInLists_CoverEveryListedLanguage()
    {
        Assert.True(HatePatterns.Shared.Count > 500, $"{HatePatterns.Shared.Count} patterns");
        Assert.Equal((0, null), HatePatterns.None.Find("muslims are vermin"));
    }
}
