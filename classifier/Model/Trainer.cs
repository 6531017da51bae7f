using System.Security.Cryptography;
using System.Text;
using FilterProxy.Classifier.Features;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Training;

namespace FilterProxy.Classifier.Model;

/// <summary>
/// Trains a <see cref="TextModel"/>: multinomial logistic regression by stochastic gradient descent with AdaGrad
/// steps and an L2 penalty, one example at a time in an order shuffled by the seed. Featurising runs in parallel
/// (each example on its own); the updates run on one thread in scalar arithmetic, so the same data and seed give
/// the same model on any machine.
/// </summary>
public static class Trainer
{
    /// <summary>Trains with the trainer <see cref="TrainingOptions.Trainer"/> names: ML.NET (default) or this class's SGD.</summary>
    public static TextModel TrainWith(IReadOnlyList<LabelledText> examples, IReadOnlyList<string> labels, TrainingOptions options, Action<string>? progress = null) =>
        options.Trainer switch
        {
            "mlnet" => MlNetTrainer.Train(examples, labels, options, progress),
            "sgd" => Train(examples, labels, options, progress),
            _ => throw new ArgumentException($"--trainer must be mlnet or sgd, not '{options.Trainer}'"),
        };

    public static TextModel Train(IReadOnlyList<LabelledText> examples, IReadOnlyList<string> labels, TrainingOptions options, Action<string>? progress = null)
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

        SparseVector[] x = new SparseVector[examples.Count];
        Vocabulary? vocabulary = options.Vocabulary is { Count: > 0 } words ? new Vocabulary(words) : null;
        Parallel.For(0, examples.Count, i => x[i] = SparseVector.Of(features, examples[i].Text, vocabulary));
        progress?.Invoke($"featurised {examples.Count} examples");

        float[] exampleWeight = [.. examples.Select(static e => e.Weight)];
        float[] classWeight = ClassWeights(y, exampleWeight, classes, options.BalanceLabels, options.SafeHalf ? labelIndex.GetValueOrDefault("safe", -1) : -1);
        int safe = labelIndex.GetValueOrDefault("safe", -1);
        if (safe >= 0)
        {
            classWeight[safe] *= options.SafeCost;
        }
        int rows = features.Rows;
        float[] w = new float[rows * classes];
        float[] g = new float[rows * classes];
        float[] b = new float[classes];
        float[] gb = new float[classes];
        float[] z = new float[classes];
        int[] order = [.. Enumerable.Range(0, examples.Count)];
        var random = new Random(options.Seed);
        float lr = options.Step;
        float l2 = options.L2;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            double loss = 0;
            foreach (int i in order)
            {
                SparseVector v = x[i];
                b.CopyTo(z, 0);
                for (int k = 0; k < v.Rows.Length; k++)
                {
                    int at = v.Rows[k] * classes;
                    float value = v.Values[k];
                    for (int c = 0; c < classes; c++)
                    {
                        z[c] += w[at + c] * value;
                    }
                }

                TextModel.Softmax(z);
                float weight = classWeight[y[i]] * exampleWeight[i];
                loss -= Math.Log(Math.Max(z[y[i]], 1e-12)) * weight;
                for (int c = 0; c < classes; c++)
                {
                    z[c] = (z[c] - (c == y[i] ? 1 : 0)) * weight;
                    gb[c] += z[c] * z[c];
                    b[c] -= lr * z[c] / (MathF.Sqrt(gb[c]) + 1e-6f);
                }

                for (int k = 0; k < v.Rows.Length; k++)
                {
                    int at = v.Rows[k] * classes;
                    float value = v.Values[k];
                    for (int c = 0; c < classes; c++)
                    {
                        float grad = (z[c] * value) + (l2 * w[at + c]);
                        g[at + c] += grad * grad;
                        w[at + c] -= lr * grad / (MathF.Sqrt(g[at + c]) + 1e-6f);
                    }
                }
            }

            progress?.Invoke($"epoch {epoch + 1}/{options.Epochs}: mean loss {loss / examples.Count:0.0000}");
        }

        int stride = TextModel.StrideFor(classes);
        float[] padded = new float[rows * stride];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(w, r * classes, padded, r * stride, classes);
        }

        var header = new ModelHeader
        {
            Kind = options.Kind,
            Version = options.Version,
            Labels = [.. labels],
            Features = features,
            TrainingFingerprint = Fingerprint(examples, options),
            TrainingExamples = examples.Count,
            Seed = options.Seed,
            Epochs = options.Epochs,
            Sources = options.Sources,
            VocabularyWords = vocabulary?.Count ?? 0,
        };
        return new TextModel(header, padded, b, stride, vocabulary);
    }

    internal static float[] ClassWeights(int[] y, float[] exampleWeight, int classes, bool balance, int safe = -1)
    {
        float[] weights = new float[classes];
        Array.Fill(weights, 1f);
        if (!balance)
        {
            return weights;
        }

        double[] counts = new double[classes];
        for (int i = 0; i < y.Length; i++)
        {
            counts[y[i]] += exampleWeight[i];
        }

        double total = counts.Sum();
        for (int c = 0; c < classes; c++)
        {
            weights[c] = counts[c] == 0 ? 1 : (float)Math.Clamp(total / (classes * counts[c]), 0.2, 5);
        }

        if (safe >= 0 && classes > 1 && counts[safe] > 0)
        {
            // Safe against all harm, half and half: with every label weighted alike, "safe" was one label in ten, and a
            // page that says little leaned to some harm (the held-out safe pages blocked: 16–25% with ML.NET's L-BFGS).
            weights[safe] = (float)(total / (2 * counts[safe]));
            for (int c = 0; c < classes; c++)
            {
                if (c != safe && counts[c] > 0)
                {
                    weights[c] = (float)(total / (2 * (classes - 1) * counts[c]));
                }
            }

        }

        return weights;
    }

    /// <summary>SHA-256 over every example (label, text) in order and the options that shape the model.</summary>
    public static string Fingerprint(IReadOnlyList<LabelledText> examples, TrainingOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{options.Kind}|{options.Trainer}|{options.Seed}|{options.Epochs}|{options.Step}|{options.L2}|{options.MlNetL2}|{options.BalanceLabels}|{options.SafeHalf}|{options.SafeCost}|{options.Features}|{string.Join(' ', options.Vocabulary ?? [])}\n"));
        foreach (LabelledText e in examples)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(e.Label + "|" + e.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            hash.AppendData("\t"u8);
            hash.AppendData(Encoding.UTF8.GetBytes(e.Text));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>One example's features: distinct rows, ascending, with values L2-normalised per block.</summary>
    internal readonly record struct SparseVector(int[] Rows, float[] Values)
    {
        public static SparseVector Of(FeatureSettings settings, string text, Vocabulary? vocabulary)
        {
            (char[] buffer, int length) = (vocabulary is null ? TextNormaliser.Default : TextNormaliser.MarkingJoined).NormalisePooled(text);
            if (vocabulary is not null)
            {
                (buffer, length) = vocabulary.ReadPooled(buffer, length);
            }

            try
            {
                var counter = new Counter(new SortedDictionary<int, int>());
                Featurizer.Visit(settings, buffer.AsSpan(0, length), ref counter);
                double wordSquares = 0;
                double charSquares = 0;
                foreach ((int row, int count) in counter.Counts)
                {
                    if (row < settings.WordSlots)
                    {
                        wordSquares += (double)count * count;
                    }
                    else
                    {
                        charSquares += (double)count * count;
                    }
                }

                int[] rows = new int[counter.Counts.Count];
                float[] values = new float[rows.Length];
                int k = 0;
                foreach ((int row, int count) in counter.Counts)
                {
                    rows[k] = row;
                    values[k++] = (float)(count / Math.Sqrt(row < settings.WordSlots ? wordSquares : charSquares));
                }

                return new SparseVector(rows, values);
            }
            finally
            {
                TextNormaliser.Return(buffer);
            }
        }
    }

    private readonly struct Counter(SortedDictionary<int, int> counts) : IFeatureVisitor
    {
        public SortedDictionary<int, int> Counts => counts;

        public void Feature(int row, bool word, int start, int length) => counts[row] = counts.GetValueOrDefault(row) + 1;
    }
}
