using FilterProxy.Classifier.Features;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace FilterProxy.Classifier.Model;

/// <summary>
/// Trains the maximum-entropy model with ML.NET (<c>LbfgsMaximumEntropy</c>: multinomial logistic regression by L-BFGS on
/// one thread, so the same data give the same weights byte for byte; SDCA was tried and was neither as good nor repeatable) over the project's own features — the normalised,
/// hashed word and character n-grams the proxy's scorer reads — and exports the weights into a <see cref="TextModel"/>.
/// ML.NET's prediction engine is not used on the proxy's path: the scorer reads the same weights with no allocation
/// (benchmarks/Classifier, both side by side).
/// </summary>
public static class MlNetTrainer
{
    /// <summary>One example as ML.NET reads it.</summary>
    private sealed class Row
    {
        public uint Label { get; set; }
        public VBuffer<float> Features { get; set; }
        public float Weight { get; set; }
    }

    public static TextModel Train(IReadOnlyList<LabelledText> examples, IReadOnlyList<string> labels, TrainingOptions options, Action<string>? progress = null) =>
        Fit(examples, labels, options, progress).Model;

    /// <summary>
    /// ML.NET's own prediction path for the same model, for the side-by-side benchmark: a prediction engine over the
    /// featurised vector (benchmarks/Classifier/MlNetScoringBenchmarks).
    /// </summary>
    internal static (TextModel Model, Func<string, float[]> PredictWithMlNet) FitForComparison(IReadOnlyList<LabelledText> examples, IReadOnlyList<string> labels, TrainingOptions options)
    {
        (TextModel model, MLContext ml, ITransformer transformer, SchemaDefinition schema, Vocabulary? vocabulary) = Fit(examples, labels, options, null);
        var outputSchema = SchemaDefinition.Create(typeof(Scored));
        outputSchema[nameof(Scored.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, labels.Count);
        PredictionEngine<Row, Scored> engine = ml.Model.CreatePredictionEngine<Row, Scored>(transformer, inputSchemaDefinition: schema, outputSchemaDefinition: outputSchema);
        FeatureSettings features = options.Features;
        return (model, text =>
        {
            Trainer.SparseVector v = Trainer.SparseVector.Of(features, text, vocabulary);
            Scored scored = engine.Predict(new Row { Features = new VBuffer<float>(features.Rows, v.Rows.Length, v.Values, v.Rows) });
            return scored.Score;
        });
    }

    private sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }

    private static (TextModel Model, MLContext Ml, ITransformer Transformer, SchemaDefinition Schema, Vocabulary? Vocabulary) Fit(
        IReadOnlyList<LabelledText> examples, IReadOnlyList<string> labels, TrainingOptions options, Action<string>? progress)
    {
        FeatureSettings features = options.Features;
        features.Validate();
        int classes = labels.Count;
        var labelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes; i++)
        {
            labelIndex[labels[i]] = i;
        }

        int[] y = new int[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            y[i] = labelIndex.TryGetValue(examples[i].Label, out int label)
                ? label
                : throw new ArgumentException($"example {i} ({examples[i].Source}) has label '{examples[i].Label}', which is not one of: {string.Join(", ", labels)}");
        }

        Vocabulary? vocabulary = options.Vocabulary is { Count: > 0 } words ? new Vocabulary(words) : null;
        var vectors = new Trainer.SparseVector[examples.Count];
        Parallel.For(0, examples.Count, i => vectors[i] = Trainer.SparseVector.Of(features, examples[i].Text, vocabulary));
        progress?.Invoke($"featurised {examples.Count} examples for ML.NET");

        float[] classWeight = Trainer.ClassWeights(y, [.. examples.Select(static e => e.Weight)], classes, options.BalanceLabels, options.SafeHalf ? labelIndex.GetValueOrDefault("safe", -1) : -1);
        if (labelIndex.TryGetValue("safe", out int safe))
        {
            classWeight[safe] *= options.SafeCost;
        }

        int rows = features.Rows;
        var ml = new MLContext(options.Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows);
        schema[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        IEnumerable<Row> data = Enumerable.Range(0, examples.Count).Select(i => new Row
        {
            Label = (uint)y[i], // LoadFromEnumerable maps a uint onto a key type 0-based (it stores value + 1; 0 is "missing")
            Features = new VBuffer<float>(rows, vectors[i].Rows.Length, vectors[i].Values, vectors[i].Rows),
            Weight = classWeight[y[i]] * examples[i].Weight,
        });
        IDataView view = ml.Data.LoadFromEnumerable(data, schema);
        MulticlassPredictionTransformer<MaximumEntropyModelParameters> fitted = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            ExampleWeightColumnName = nameof(Row.Weight),
            L2Regularization = options.MlNetL2,
            L1Regularization = 0,
            OptimizationTolerance = 1e-6f,
            MaximumNumberOfIterations = options.MlNetIterations,
            NumberOfThreads = 1,
            HistorySize = 20,
        }).Fit(view);
        progress?.Invoke("ML.NET LbfgsMaximumEntropy trained");

        VBuffer<float>[] weights = [];
        fitted.Model.GetWeights(ref weights, out int numberOfClasses);
        if (numberOfClasses != classes)
        {
            throw new InvalidOperationException($"ML.NET returned {numberOfClasses} classes, expected {classes}");
        }

        int stride = TextModel.StrideFor(classes);
        float[] padded = new float[rows * stride];
        for (int c = 0; c < classes; c++)
        {
            VBuffer<float> w = weights[c];
            ReadOnlySpan<float> values = w.GetValues();
            if (w.IsDense)
            {
                for (int r = 0; r < rows; r++)
                {
                    padded[(r * stride) + c] = values[r];
                }
            }
            else
            {
                ReadOnlySpan<int> indices = w.GetIndices();
                for (int k = 0; k < indices.Length; k++)
                {
                    padded[(indices[k] * stride) + c] = values[k];
                }
            }
        }

        float[] bias = [.. fitted.Model.GetBiases()];
        var header = new ModelHeader
        {
            Kind = options.Kind,
            Version = options.Version,
            Labels = [.. labels],
            Features = features,
            TrainingFingerprint = Trainer.Fingerprint(examples, options),
            TrainingExamples = examples.Count,
            Seed = options.Seed,
            Epochs = options.Epochs,
            Sources = [.. options.Sources, "trained with ML.NET LbfgsMaximumEntropy (Microsoft.ML 6.0.0)"],
            VocabularyWords = vocabulary?.Count ?? 0,
        };
        return (new TextModel(header, padded, bias, stride, vocabulary), ml, fitted, schema, vocabulary);
    }
}
