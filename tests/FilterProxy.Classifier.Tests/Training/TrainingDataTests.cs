using FilterProxy.Classifier.Training;

namespace FilterProxy.Classifier.Tests.Training;

public sealed class TrainingDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fp-training-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void JsonLines_PagesAndQueries_BadLinesReportedAndSkipped()
    {
        string file = Path.Combine(_dir, "mine.jsonl");
        File.WriteAllLines(file,
        [
            """{"text":"online casino","label":"gambling"}""",
            """{"html":"<p>maths <b>homework</b></p><script>casino</script>","category":"safe"}""",
            """{"query":"kms","risk":"critical","theme":"suicide"}""",
            """{"text":"no label"}""",
            "not json",
        ]);

        TrainingData data = TrainingData.Load([file], 1);

        Assert.Equal(["online casino", "maths homework"], data.Pages.Select(static p => string.Join(' ', p.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        Assert.Equal(Split.Any, data.Pages[0].Split);
        Assert.Equal("critical", Assert.Single(data.Queries).Risk);
        Assert.Equal(2, data.Problems.Count);
        Assert.StartsWith(file + ":4:", data.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith(file + ":5:", data.Problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_QuotedFieldsWithCommasQuotesAndNewlines()
    {
        string file = Path.Combine(_dir, "mine.csv");
        File.WriteAllText(file, "text,label\n\"a, \"\"quoted\"\"\nline\",safe\nplain,gambling\n");

        TrainingData data = TrainingData.Load([file], 1);

        Assert.Equal(["a, \"quoted\"\nline", "plain"], data.Pages.Select(static p => p.Text));
        Assert.Equal(["safe", "gambling"], data.Pages.Select(static p => p.Label));
    }

    [Fact]
    public void FileWithNothingUsable_IsAnError()
    {
        string file = Path.Combine(_dir, "empty.csv");
        File.WriteAllText(file, "id,words\n1,hello\n");

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => TrainingData.Load([file], 1));
        Assert.Contains("no usable examples", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectCorpus_SplitsBySentence_SoHeldOutPagesUseUnseenSentences()
    {
        List<LabelledText> pages = PageComposer.Compose(Path.Combine(RepositoryPaths.Corpus, "pages"), 1);
        var trainText = string.Join("\n", pages.Where(static p => p.Split == Split.Train).Select(static p => p.Text));
        LabelledText heldOut = pages.First(static p => p.Split == Split.HeldOut && p.Label == "gambling");
        HashSet<string> furniture = [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Corpus, "pages", "_furniture")).SelectMany(File.ReadLines)];
        string sentence = heldOut.Text.Split('\n').First(l => !furniture.Contains(l)); // page furniture is in every page by design

        Assert.DoesNotContain(sentence, trainText, StringComparison.Ordinal);
        Assert.Equal(PageComposer.Compose(Path.Combine(RepositoryPaths.Corpus, "pages"), 1).Select(static p => p.Text), pages.Select(static p => p.Text));
    }

    [Fact]
    public void Obfuscator_ChangesWords_Deterministically()
    {
        string a = Obfuscator.Apply("online casino free spins tonight", Obfuscator.Trick.Leet, new Random(3), 1);
        string b = Obfuscator.Apply("online casino free spins tonight", Obfuscator.Trick.Leet, new Random(3), 1);

        Assert.Equal(a, b);
        Assert.NotEqual("online casino free spins tonight", a);
    }
}
