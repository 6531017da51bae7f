using FilterProxy.Classifier.Features;

namespace FilterProxy.Classifier.Model;

/// <summary>One n-gram's pull towards a label: its text (as normalised) and its share of the score, in logits.</summary>
public readonly record struct Contribution(string Text, float Weight);

/// <summary>
/// Which n-grams weighed most for a label against another (usually "safe"): each distinct feature's
/// normalised count × (W[f, label] − W[f, versus]). Word n-grams are preferred (people read them); character
/// n-grams fill in when the words carry nothing (an obfuscated or unspaced language). Only called for pages
/// worth explaining, so it may allocate.
/// </summary>
public static class ModelExplainer
{
    public static List<Contribution> Explain(TextModel model, ReadOnlySpan<char> text, int label, int versus, int max = 5)
    {
        // Word n-grams first (a few thousand on a big page); character n-grams only when no word pulls towards the label.
        List<Contribution> result = Top(model, text, label, versus, max, words: true);
        return result.Count > 0 ? result : Top(model, text, label, versus, max, words: false);
    }

    private static List<Contribution> Top(TextModel model, ReadOnlySpan<char> text, int label, int versus, int max, bool words)
    {
        var collector = new Collector(new Dictionary<int, Occurrence>(), words);
        Featurizer.Visit(model.Header.Features, text, ref collector);
        double squares = 0;
        foreach (Occurrence o in collector.Seen.Values)
        {
            squares += (double)o.Count * o.Count;
        }

        double norm = Math.Sqrt(squares);
        var pulls = new List<(Occurrence O, float Weight)>();
        foreach ((int row, Occurrence o) in collector.Seen)
        {
            ReadOnlySpan<float> w = model.Row(row);
            float weight = (float)(o.Count / norm * (w[label] - (versus >= 0 ? w[versus] : 0)));
            if (weight > 0)
            {
                pulls.Add((o, weight));
            }
        }

        pulls.Sort(static (a, b) => b.Weight.CompareTo(a.Weight));
        var result = new List<Contribution>(max);
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach ((Occurrence o, float weight) in pulls)
        {
            string ngram = text.Slice(o.Start, o.Length).ToString().Trim();
            if (ngram.Length > 0 && !OnlyCommonWords(ngram) && shown.Add(ngram))
            {
                result.Add(new Contribution(ngram, weight));
            }

            if (result.Count == max)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>"in the", "to": true when every word is one of the commonest, which explain nothing to a reader.</summary>
    private static bool OnlyCommonWords(string ngram)
    {
        foreach (string word in ngram.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!s_common.Contains(word))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly HashSet<string> s_common = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by", "from", "up", "down", "out",
        "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "i", "you", "he", "she", "we",
        "they", "me", "my", "your", "our", "their", "his", "her", "as", "so", "if", "not", "no", "do", "does", "did", "have",
        "has", "had", "will", "would", "can", "could", "all", "any", "some", "more", "most", "very", "just", "than", "then",
        "there", "here", "what", "which", "who", "how", "when", "where", "why", "le", "la", "les", "de", "des", "du", "et", "el",
        "los", "las", "y", "der", "die", "das", "und", "ein", "eine",
    };

    private sealed class Occurrence(int start, int length)
    {
        public int Start { get; } = start;
        public int Length { get; } = length;
        public int Count { get; set; }
    }

    private readonly struct Collector(Dictionary<int, Occurrence> seen, bool words) : IFeatureVisitor
    {
        public Dictionary<int, Occurrence> Seen => seen;

        public void Feature(int row, bool word, int start, int length)
        {
            if (word != words)
            {
                return;
            }

            if (!seen.TryGetValue(row, out Occurrence? o))
            {
                seen[row] = o = new Occurrence(start, length);
            }

            o.Count++;
        }
    }
}
