using FilterProxy.Classifier.Normalisation;

namespace FilterProxy.Classifier.Training;

/// <summary>
/// The vocabulary a content model keeps (<see cref="Vocabulary"/>): the words of its clean training text (never the
/// obfuscated variants, whose slips must stay unknown), normalised as the classifier reads them, seen at least
/// <c>minCount</c> times, most frequent first, at most <c>max</c> words. Deterministic: ties go in ordinal order.
/// </summary>
public static class VocabularyCounter
{
    public static IReadOnlyList<string> Count(IEnumerable<LabelledText> examples, int minCount = 2, int max = 30_000)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (LabelledText example in examples)
        {
            if (example.Obfuscated)
            {
                continue;
            }

            string text = TextNormaliser.Default.Normalise(example.Text);
            int i = 0;
            while (i < text.Length)
            {
                int start = i;
                while (i < text.Length && char.IsLetter(text[i]))
                {
                    i++;
                }

                if (i - start is >= Vocabulary.MinLength and <= Vocabulary.MaxLength)
                {
                    ReadOnlySpan<char> word = text.AsSpan(start, i - start);
                    lookup[word] = lookup.TryGetValue(word, out int n) ? n + 1 : 1;
                }

                i = Math.Max(i, start + 1);
            }
        }

        return [.. counts.Where(c => c.Value >= minCount)
            .OrderByDescending(static c => c.Value).ThenBy(static c => c.Key, StringComparer.Ordinal)
            .Take(max).Select(static c => c.Key)];
    }
}
