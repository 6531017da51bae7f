using FilterProxy.Classifier.Features;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Training;

namespace FilterProxy.Classifier.Tests.Model;

public sealed class TrainerTests
{
    private static readonly string[] s_labels = ["safe", "gambling", "drugs"];

    internal static List<LabelledText> Examples() =>
    [
        .. new[] { "online casino free spins", "place your bets on football odds", "roulette and blackjack jackpot", "deposit bonus slots" }
            .Select(static t => new LabelledText(t, "gambling", "test")),
        .. new[] { "buy weed online delivery", "cocaine and mdma for sale", "get high on pills tonight", "grow cannabis at home" }
            .Select(static t => new LabelledText(t, "drugs", "test")),
        .. new[] { "maths homework fractions", "the water cycle for year five", "football match report", "easy cake recipe for kids" }
            .Select(static t => new LabelledText(t, "safe", "test")),
    ];

    private static readonly TrainingOptions s_small = new() { Epochs = 20, Features = new FeatureSettings { WordBits = 12, CharBits = 12 } };

    private static byte[] Bytes(TextModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Write(model, stream);
        return stream.ToArray();
    }

    [Fact]
    public void SameDataAndSeed_SameModelByteForByte_AnotherSeed_Differs()
    {
        byte[] first = Bytes(Trainer.Train(Examples(), s_labels, s_small));
        byte[] second = Bytes(Trainer.Train(Examples(), s_labels, s_small));
        byte[] otherSeed = Bytes(Trainer.Train(Examples(), s_labels, s_small with { Seed = 7 }));

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void MlNet_SameData_SameModelByteForByte_AndItLearnsItsExamples()
    {
        TrainingOptions options = s_small with { Trainer = "mlnet" };
        TextModel model = Trainer.TrainWith(Examples(), s_labels, options);
        byte[] first = Bytes(model);
        byte[] second = Bytes(Trainer.TrainWith(Examples(), s_labels, options));

        Assert.Equal(first, second);
        Assert.Contains("ML.NET", string.Join(" ", model.Header.Sources), StringComparison.Ordinal);
        AssertPredictsItsExamples(model);
    }

    private static float[] AssertPredictsItsExamples(TextModel model)
    {
        var p = new float[3];
        model.Predict("online casino and roulette ", p);
        Assert.Equal(1, Argmax(p));
        model.Predict("weed and mdma delivery ", p);
        Assert.Equal(2, Argmax(p));
        model.Predict("fractions homework ", p);
        Assert.Equal(0, Argmax(p));
        return p;
    }

    [Fact]
    public void TrainedModel_LearnsItsExamples_AndGeneralisesToAVariant()
    {
        TextModel model = Trainer.Train(Examples(), s_labels, s_small);

        float[] p = AssertPredictsItsExamples(model);
        Assert.Equal(1, p.Sum(), 3);
    }

    [Fact]
    public void ModelFile_RoundTrips_WithTheSamePredictionsAndHeader()
    {
        TextModel model = Trainer.Train(Examples(), s_labels, s_small);
        model = model.WithHeader(model.Header with { Metrics = new Dictionary<string, double> { ["f1.gambling"] = 0.5 } });
        using var stream = new MemoryStream(Bytes(model));
        TextModel read = ModelFile.Read(stream);

        Assert.Equal(model.Header.Labels, read.Header.Labels);
        Assert.Equal(model.Header.Features, read.Header.Features);
        Assert.Equal(model.Header.TrainingFingerprint, read.Header.TrainingFingerprint);
        Assert.Equal(0.5, read.Header.Metrics["f1.gambling"]);
        float[] a = new float[3];
        float[] b = new float[3];
        model.Predict("free spins on slots ", a);
        read.Predict("free spins on slots ", b);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(a[i], b[i], 2);                  // weights are stored as float16
        }
    }

    [Fact]
    public void Vocabulary_IsKeptInTheModelFile_AndSlippedWordsScoreAsTheirWords()
    {
        IReadOnlyList<string> words = VocabularyCounter.Count(Examples(), minCount: 1);
        TextModel model = Trainer.Train(Examples(), s_labels, s_small with { Vocabulary = words });
        using var stream = new MemoryStream(Bytes(model));
        TextModel read = ModelFile.Read(stream);

        Assert.Equal(words.Count, read.Header.VocabularyWords);
        Assert.Equal(words, read.Vocabulary!.Words);
        Assert.Contains("casino", words);
        var classifier = new FilterProxy.Classifier.Content.ContentClassifier(read, []);
        var (_, plain) = classifier.ClassifyWithScores("online casino roulette jackpot");
        var (_, slipped) = classifier.ClassifyWithScores("online csaino roullette jakcpot");
        Assert.Equal(plain["gambling"], slipped["gambling"], 3);
    }

    [Theory]
    [InlineData("online casino free spins and the best betting odds tonight ")]
    [InlineData("the water cycle evaporation condensation precipitation ")]
    public void QuantisedScoring_AgreesWithFullWeights(string text)
    {
        // The 8-bit rows (AVX2 machines) and the float rows (the fallback) must give the same answer to within rounding.
        TextModel model = ShippedModels.Content;
        float[] quantised = new float[model.Classes];
        float[] full = new float[model.Classes];
        model.Predict(text, quantised);
        model.WithoutQuantisation().Predict(text, full);

        for (int i = 0; i < full.Length; i++)
        {
            Assert.Equal(full[i], quantised[i], 0.02f);
        }
    }

    [Fact]
    public void DamagedModelFiles_AreRefusedWithTheReason()
    {
        byte[] good = Bytes(Trainer.Train(Examples(), s_labels, s_small));
        byte[] flipped = (byte[])good.Clone();
        flipped[^10] ^= 0x55;
        byte[] foreign = [.. "NOPE"u8, .. good.Skip(4)];

        Assert.Contains("damaged", Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(flipped))).Message, StringComparison.Ordinal);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(good[..(good.Length / 2)]))).Message, StringComparison.Ordinal);
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => ModelFile.Read(new MemoryStream(foreign))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownLabel_IsAClearError()
    {
        var bad = new List<LabelledText>(Examples()) { new("text", "cooking", "file.jsonl:3") };

        ArgumentException e = Assert.Throws<ArgumentException>(() => Trainer.Train(bad, s_labels, s_small));
        Assert.Contains("cooking", e.Message, StringComparison.Ordinal);
        Assert.Contains("file.jsonl:3", e.Message, StringComparison.Ordinal);
    }

    private static int Argmax(ReadOnlySpan<float> p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++)
        {
            best = p[i] > p[best] ? i : best;
        }

        return best;
    }
}
