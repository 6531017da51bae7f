namespace FilterProxy.Classifier.Evaluation;

/// <summary>Precision, recall and F1 of one label, with how many examples carried it.</summary>
public sealed record LabelMetrics(string Label, int Support, double Precision, double Recall, double F1);

/// <summary>A confusion matrix over labels (rows: true label, columns: predicted) and the metrics it gives.</summary>
public sealed class Confusion(IReadOnlyList<string> labels)
{
    private readonly int[,] _counts = new int[labels.Count, labels.Count];

    public IReadOnlyList<string> Labels => labels;

    public int this[int actual, int predicted] => _counts[actual, predicted];

    public void Add(int actual, int predicted) => _counts[actual, predicted]++;

    public IReadOnlyList<LabelMetrics> PerLabel()
    {
        var result = new List<LabelMetrics>();
        for (int l = 0; l < labels.Count; l++)
        {
            int tp = _counts[l, l];
            int support = 0;
            int predicted = 0;
            for (int k = 0; k < labels.Count; k++)
            {
                support += _counts[l, k];
                predicted += _counts[k, l];
            }

            double precision = predicted == 0 ? 0 : (double)tp / predicted;
            double recall = support == 0 ? 0 : (double)tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            result.Add(new LabelMetrics(labels[l], support, precision, recall, f1));
        }

        return result;
    }

    public double MacroF1(Func<string, bool>? include = null)
    {
        LabelMetrics[] chosen = [.. PerLabel().Where(m => m.Support > 0 && (include is null || include(m.Label)))];
        return chosen.Length == 0 ? 0 : chosen.Average(static m => m.F1);
    }

    public void Write(TextWriter output)
    {
        int width = Math.Max(8, labels.Max(static l => l.Length) + 1);
        output.Write("actual \\ predicted".PadRight(width + 4));
        foreach (string l in labels)
        {
            output.Write(Short(l).PadLeft(6));
        }

        output.WriteLine();
        for (int a = 0; a < labels.Count; a++)
        {
            output.Write(labels[a].PadRight(width + 4));
            for (int p = 0; p < labels.Count; p++)
            {
                output.Write(_counts[a, p].ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(6));
            }

            output.WriteLine();
        }
    }

    private static string Short(string label) => label.Length <= 5 ? label : label[..5];
}
