using FilterProxy.Classifier.Normalisation;

namespace FilterProxy.Classifier.Tests.Normalisation;

public sealed class VocabularyTests
{
    private static readonly Vocabulary s_words = new(["the", "kill", "suicide", "porn", "casino", "pills", "rape", "skill", "cool", "cold"]);

    private static string Read(Vocabulary vocabulary, string text)
    {
        char[] output = new char[Vocabulary.OutputLength(text.Length)];
        return new string(output, 0, vocabulary.Correct(text, output));
    }

    [Theory]
    [InlineData("kiill", "kill")]          // what normalisation leaves of a stretched letter ("kiiiiill")
    [InlineData("porrn", "porn")]          // a letter typed twice
    [InlineData("klil", "kill")]           // neighbours swapped
    [InlineData("csaino", "casino")]
    [InlineData("sucide", "suicide")]      // a letter left out
    [InlineData("pils", "pills")]
    [InlineData("kil", "kill")]            // a three-letter slip of a four-letter word is still read
    public void SlippedWord_IsReadAsTheKnownWord(string slipped, string known) =>
        Assert.Equal($"how to {known} now", Read(s_words, $"how to {slipped} now"));

    [Theory]
    [InlineData("grape")]      // a different letter is never read as another word ("grape" is not "rape")
    [InlineData("skill")]      // known words stay
    [InlineData("mathematics")]
    [InlineData("ki")]         // shorter than MinLength: never read as another word
    public void OrdinaryWords_AreNotChanged(string word) => Assert.Equal(word, Read(s_words, word));

    [Fact]
    public void MoreFrequentWord_WinsWhenTwoFit()
    {
        // "col" could be "cool" or "cold": the vocabulary is most frequent first.
        Assert.Equal("cool", Read(new Vocabulary(["cool", "cold"]), "col"));
        Assert.Equal("cold", Read(new Vocabulary(["cold", "cool"]), "col"));
    }

    [Fact]
    public void PunctuationDigitsAndOtherScripts_PassThrough()
    {
        Assert.Equal("kill 42, привет! 日本語 kill", Read(s_words, "kiill 42, привет! 日本語 klil"));
    }

    private static string Normalised(Vocabulary vocabulary, string text)
    {
        (char[] buffer, int length) = TextNormaliser.MarkingJoined.NormalisePooled(text);
        try
        {
            return Read(vocabulary, new string(buffer, 0, length)).TrimEnd();
        }
        finally
        {
            TextNormaliser.Return(buffer);
        }
    }

    [Theory]
    [InlineData("how to k i l l m y s e l f now", "how to kill myself now")]     // two spaced words re-join as one run
    [InlineData("k.i.l.l m-y-s-e-l-f", "kill myself")]
    [InlineData("s u i c i d e", "suicide")]                                      // one spaced word: as it was
    [InlineData("the therapists said", "the therapists said")]                    // an unknown ordinary word is never split
    [InlineData("x y z q w k", "xyzqwk")]                                         // a run that is not known words stays whole
    public void ReJoinedRuns_AreSplitIntoKnownWords(string text, string expected)
    {
        var vocabulary = new Vocabulary(["kill", "myself", "suicide", "the", "rapists", "said", "how", "now"]);
        Assert.Equal(expected, Normalised(vocabulary, text));
        Assert.DoesNotContain(Vocabulary.JoinedMark, Normalised(vocabulary, text));
    }

    [Fact]
    public void WithKnown_KeepsAPhraseWord()
    {
        Assert.Equal("pils", Read(s_words.WithKnown(["pils"]), "pils"));
        Assert.Equal("kill", Read(s_words.WithKnown(["pils"]), "kiill")); // the other slips are still read
    }

    [Fact]
    public void Correct_DoesNotAllocate()
    {
        char[] output = new char[200];
        const string text = "the kiill csaino sucide grape mathematics and more words here";
        s_words.Correct(text, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            s_words.Correct(text, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
