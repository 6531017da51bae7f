using System.Buffers;
using FilterProxy.Classifier.Normalisation;

namespace FilterProxy.Classifier.Phrases;

/// <summary>
/// Hate said in a pattern rather than a word: a group of people (by religion, race, nationality, sex, sexuality,
/// gender identity, disability) within a few words of something hostile ("are vermin", "should be deported", "i hate",
/// "kill all"), in any of the listed languages — "Muslims are a disease", "Ich hasse Ausländer", "os imigrantes são
/// lixo". Neither alone is anything: "Muslims celebrate Eid", "rats are vermin". Counter-speech around the pair
/// ("it is wrong to say", "stop calling") cancels it. Lists: <c>Phrases/Hate/&lt;language&gt;.txt</c>, lines
/// <c>group|hostile|counter phrase</c>. Written for FilterProxy from the shape of hateful statements, not from any test
/// set.
/// </summary>
public sealed class HatePatterns
{
    /// <summary>How many words may stand between the group and the hostile words (either order).</summary>
    public const int Window = 6;

    /// <summary>What one pattern adds to the discrimination total (at most <see cref="MaxHits"/> count).</summary>
    public const int Weight = 45;
    public const int MaxHits = 3;

    private const byte Group = 1;
    private const byte Hostile = 2;
    private const byte Counter = 4;

    private readonly Dictionary<ulong, (byte Kind, string Phrase)> _phrases = [];
    private readonly HashSet<ulong> _firstWords = [];
    private readonly int _maxWords;

    public HatePatterns(IEnumerable<(string Kind, string Phrase)> lines, TextNormaliser? normaliser = null)
    {
        normaliser ??= TextNormaliser.Default;
        foreach ((string kind, string raw) in lines)
        {
            string phrase = normaliser.Normalise(raw);
            byte k = kind switch { "group" => Group, "hostile" => Hostile, "counter" => Counter, _ => 0 };
            ulong[] words = new ulong[(phrase.Length / 2) + 1];
            int count = PhraseTokens.Hashes(phrase, words);
            if (k == 0 || count == 0)
            {
                continue;
            }

            ulong key = PhraseTokens.PhraseKey(phrase);
            _phrases[key] = (_phrases.TryGetValue(key, out var existing) ? (byte)(existing.Kind | k) : k, phrase);
            _firstWords.Add(words[0]);
            _maxWords = Math.Max(_maxWords, count);
        }
    }

    public int Count => _phrases.Count;

    private static readonly Lazy<HatePatterns> BuiltInLists = new(BuiltIn);

    /// <summary>The built-in lists, read once per process.</summary>
    public static HatePatterns Shared => BuiltInLists.Value;

    /// <summary>No patterns (for comparisons without them).</summary>
    public static HatePatterns None { get; } = new([]);

    /// <summary>The built-in lists (every embedded <c>hate.*.txt</c>).</summary>
    public static HatePatterns BuiltIn()
    {
        var lines = new List<(string, string)>();
        System.Reflection.Assembly assembly = typeof(HatePatterns).Assembly;
        foreach (string name in assembly.GetManifestResourceNames().Where(static n => n.StartsWith("hate.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            while (reader.ReadLine() is { } line)
            {
                string trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith('#') || trimmed.StartsWith('@'))
                {
                    continue;
                }

                string[] parts = trimmed.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || parts[0] is not ("group" or "hostile" or "counter"))
                {
                    throw new InvalidOperationException($"built-in {name}: '{trimmed}' is not 'group|hostile|counter phrase'");
                }

                lines.Add((parts[0], parts[1]));
            }
        }

        return new HatePatterns(lines);
    }

    /// <summary>How many group + hostile pairs the normalised text holds (no counter-speech near them), and the first one.</summary>
    public (int Hits, string? Example) Find(ReadOnlySpan<char> normalised)
    {
        if (_phrases.Count == 0)
        {
            return (0, null);
        }

        ulong[] words = ArrayPool<ulong>.Shared.Rent((normalised.Length / 2) + 1);
        Span<(int Start, int End, byte Kind, ulong Key)> found = stackalloc (int, int, byte, ulong)[64];
        int n = 0;
        try
        {
            int count = PhraseTokens.Hashes(normalised, words);
            for (int i = 0; i < count && n < found.Length; i++)
            {
                if (!_firstWords.Contains(words[i]))
                {
                    continue;
                }

                ulong key = 0;
                for (int w = 0; w < _maxWords && i + w < count && n < found.Length; w++)
                {
                    key = PhraseTokens.Combine(key, words[i + w], w);
                    if (_phrases.TryGetValue(key, out var phrase))
                    {
                        found[n++] = (i, i + w + 1, phrase.Kind, key);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(words);
        }

        int hits = 0;
        int counted = -1;
        string? example = null;
        for (int g = 0; g < n && hits < MaxHits; g++)
        {
            // One group mention counts once: "gay people" holds "gay" too.
            if ((found[g].Kind & Group) == 0 || found[g].Start < counted)
            {
                continue;
            }

            for (int h = 0; h < n; h++)
            {
                if ((found[h].Kind & Hostile) == 0 || h == g || !Near(found[g], found[h]) || CounterNear(found[..n], found[g], found[h]))
                {
                    continue;
                }

                hits++;
                counted = found[g].End;
                example ??= $"{_phrases[found[g].Key].Phrase} + {_phrases[found[h].Key].Phrase}";
                break;
            }
        }

        return (hits, example);
    }

    private static bool Near((int Start, int End, byte, ulong) a, (int Start, int End, byte, ulong) b) =>
        a.Start < b.End + Window && b.Start < a.End + Window && !(a.Start < b.End && b.Start < a.End);

    private static bool CounterNear(ReadOnlySpan<(int Start, int End, byte Kind, ulong)> found, (int Start, int End, byte, ulong) group, (int Start, int End, byte, ulong) hostile)
    {
        int from = Math.Min(group.Start, hostile.Start) - Window;
        int to = Math.Max(group.End, hostile.End) + Window;
        foreach ((int start, int end, byte kind, _) in found)
        {
            if ((kind & Counter) != 0 && start < to && end > from)
            {
                return true;
            }
        }

        return false;
    }
}
