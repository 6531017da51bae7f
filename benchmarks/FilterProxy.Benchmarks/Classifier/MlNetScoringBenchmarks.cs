using BenchmarkDotNet.Attributes;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Training;

namespace FilterProxy.Benchmarks.Classifier;

/// <summary>
/// The same model scored two ways (issue 22: "measure both side by side"): ML.NET's prediction engine over the
/// featurised vector, and the proxy's allocation-free <see cref="TextModel"/> reading the weights ML.NET trained. Both
/// start from the same normalised text of a page's model part (about 2,000 words). The model is trained in the setup on
/// the project's corpus with the shipped features, so the weights are realistic in size.
/// </summary>
[MemoryDiagnoser]
public class MlNetScoringBenchmarks
{
    private TextModel _model = null!;
    private Func<string, float[]> _mlnet = null!;
    private string _text = null!;
    private readonly float[] _probabilities = new float[10];

    [GlobalSetup]
    public void Setup()
    {
        string corpus = Path.Combine(FindRoot(), "classifier", "Corpus", "pages");
        List<LabelledText> examples = [.. PageComposer.Compose(corpus, 1).Where(static p => p.Split == Split.Train).Take(4000)];
        (_model, _mlnet) = MlNetTrainer.FitForComparison(examples, ShippedModels.ContentLabels, new TrainingOptions { Trainer = "mlnet", MlNetIterations = 30 });
        string page = string.Join(" ", examples.Where(static e => e.Label == "safe").Take(200).Select(static e => e.Text));
        _text = TextNormaliser.Default.Normalise(page.AsSpan(0, Math.Min(page.Length, 16 * 1024))) + " ";
        _model.Predict(_text, _probabilities);
        float[] theirs = _mlnet(_text);
        int ours = Array.IndexOf(_probabilities, _probabilities.Max());
        if (ours != Array.IndexOf(theirs, theirs.Max()))
        {
            throw new InvalidOperationException("ML.NET and the exported scorer disagree on the benchmark page");
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "FilterProxy.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("run from the checkout");
    }

    [Benchmark(Baseline = true)]
    public float TextModel_ExportedWeights()
    {
        _model.Predict(_text, _probabilities);
        return _probabilities[0];
    }

    [Benchmark]
    public float MlNet_PredictionEngine() => _mlnet(_text)[0];
}
