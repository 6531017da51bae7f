using System.Buffers;
using FilterProxy.Classifier.Extraction;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Phrases;

/// <summary>
/// Scores text with weighted phrase lists: each phrase found adds its weight to its category (at most
/// <see cref="MaxCountPerPhrase"/> times, so one repeated word cannot carry a page), and a category's total
/// maps to a 0–1 score: <c>1 − e^(−total/100)</c> (100 → 0.63, 200 → 0.86). Negative phrases (Childline,
/// "drug education") pull a category down, so help and teaching pages are not blocked for the words they explain.
/// Stands behind <see cref="IContentClassifier"/> until the trained model lands; the model will combine with it.
/// </summary>
public sealed class WeightedPhraseClassifier : IContentClassifier
{
    public const int MaxCountPerPhrase = 5;
    private const double Scale = 100;
    private const int MaxEvidence = 5;

    /// <summary>Phrase key → the phrase in each category that lists it ("crack" is both drugs and piracy).</summary>
    private readonly Dictionary<ulong, WeightedPhrase[]> _phrases;
    private readonly HashSet<ulong> _firstWords;

    /// <summary>A 64K-bit filter over first words: most words of a page are rejected by one bit test, before the set.</summary>
    private readonly ulong[] _firstWordBits = new ulong[1024];
    private readonly int _maxWords;

    /// <summary>
    /// A phrase may count towards several categories; for one phrase and category the last line wins (a school's own
    /// list after the built-in ones changes a built-in weight; weight 0 takes it out).
    /// </summary>
    public WeightedPhraseClassifier(IEnumerable<WeightedPhrase> phrases)
    {
        var byKey = new Dictionary<ulong, Dictionary<Category, WeightedPhrase>>();
        _firstWords = [];
        foreach (WeightedPhrase phrase in phrases)
        {
            ulong[] words = new ulong[(phrase.Phrase.Length / 2) + 1];
            int count = PhraseTokens.Hashes(phrase.Phrase, words);
            if (count == 0)
            {
                continue;
            }

            ulong key = PhraseTokens.PhraseKey(phrase.Phrase);
            if (!byKey.TryGetValue(key, out Dictionary<Category, WeightedPhrase>? categories))
            {
                byKey[key] = categories = [];
            }

            categories[phrase.Category] = phrase;
            _firstWords.Add(words[0]);
            _firstWordBits[(words[0] >> 6) & 1023] |= 1UL << (int)(words[0] & 63);
            _maxWords = Math.Max(_maxWords, count);
        }

        _phrases = byKey.ToDictionary(static p => p.Key, static p => p.Value.Values.Where(static w => w.Weight != 0).ToArray());
        Count = _phrases.Values.Sum(static a => a.Length);
    }

    public string Name => "phrases";

    public int Count { get; }

    /// <summary>Every word the phrases use (normalised).</summary>
    public IEnumerable<string> Words => _phrases.Values.SelectMany(static a => a).SelectMany(static p => p.Phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal);

    public ValueTask<ContentVerdict> ClassifyAsync(ContentSample sample, CancellationToken cancellationToken)
    {
        using PooledText text = TextExtractor.ExtractPooled(sample);
        return ValueTask.FromResult(ClassifyText(text.Text, cancellationToken));
    }

    public ContentVerdict ClassifyText(ReadOnlySpan<char> text, CancellationToken cancellationToken = default) =>
        Find(text, cancellationToken) is { } found ? Score(found) : ContentVerdict.Clean;

    /// <summary>Each phrase found in <paramref name="text"/> with its count, or null when none was (no allocation then).</summary>
    public Dictionary<WeightedPhrase, int>? Find(ReadOnlySpan<char> text, CancellationToken cancellationToken = default)
    {
        ulong[] words = ArrayPool<ulong>.Shared.Rent((text.Length / 2) + 1);
        try
        {
            int count = PhraseTokens.Hashes(text, words);
            Dictionary<WeightedPhrase, int>? found = null;
            for (int i = 0; i < count; i++)
            {
                if ((i & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                ulong word = words[i];
                if ((_firstWordBits[(word >> 6) & 1023] & (1UL << (int)(word & 63))) == 0 || !_firstWords.Contains(word))
                {
                    continue;
                }

                ulong key = 0;
                for (int n = 0; n < _maxWords && i + n < count; n++)
                {
                    key = PhraseTokens.Combine(key, words[i + n], n);
                    if (_phrases.TryGetValue(key, out WeightedPhrase[]? matched))
                    {
                        found ??= [];
                        foreach (WeightedPhrase phrase in matched)
                        {
                            found[phrase] = found.GetValueOrDefault(phrase) + 1;
                        }
                    }
                }
            }

            return found;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(words);
        }
    }

    /// <summary>A category's phrase total: each phrase's weight times its count (at most <see cref="MaxCountPerPhrase"/>).</summary>
    public static int Total(IEnumerable<KeyValuePair<WeightedPhrase, int>> found) =>
        found.Sum(static f => f.Key.Weight * Math.Min(f.Value, MaxCountPerPhrase));

    /// <summary>"phrase (+40 ×2)": how a phrase appears in an explanation.</summary>
    public static string Describe(WeightedPhrase phrase, int count) =>
        $"{phrase.Phrase} ({(phrase.Weight > 0 ? "+" : "")}{phrase.Weight}{(count > 1 ? $" ×{Math.Min(count, MaxCountPerPhrase)}" : "")})";

    private static ContentVerdict Score(Dictionary<WeightedPhrase, int> found)
    {
        var scores = new List<CategoryScore>();
        foreach (IGrouping<Category, KeyValuePair<WeightedPhrase, int>> group in found.GroupBy(static f => f.Key.Category))
        {
            int total = Total(group);
            if (total <= 0)
            {
                continue;
            }

            string[] evidence = [.. group
                .OrderByDescending(static f => Math.Abs(f.Key.Weight * Math.Min(f.Value, MaxCountPerPhrase)))
                .Take(MaxEvidence)
                .Select(static f => Describe(f.Key, f.Value))];
            scores.Add(new CategoryScore(group.Key, 1 - Math.Exp(-total / Scale), evidence));
        }

        scores.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        return new ContentVerdict(scores);
    }
}
