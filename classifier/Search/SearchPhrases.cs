using FilterProxy.Classifier.Normalisation;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Search;

/// <summary>One search-risk phrase, normalised: its level (1 low … 4 critical; 0 for a benign context) and theme.</summary>
public sealed record SearchPhrase(string Phrase, int Level, string Theme, bool Prefix, string Source, int Line);

/// <summary>
/// The editable search-risk phrase list (<c>level theme phrase</c>, see search-risk-phrases.txt): whole-word matches
/// on the normalised query, a trailing <c>*</c> for word endings. Benign contexts ("kill a process", "childline")
/// cap a query at low. Small, because queries are short: matching is a scan of a few hundred phrases.
/// </summary>
public sealed class SearchPhrases
{
    public const string DefaultResource = "search-risk-phrases.txt";

    private readonly List<SearchPhrase> _phrases;

    public SearchPhrases(IEnumerable<SearchPhrase> phrases) => _phrases = [.. phrases];

    public int Count => _phrases.Count;

    public static SearchPhrases BuiltIn()
    {
        using Stream stream = typeof(SearchPhrases).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"{DefaultResource} is not embedded in the classifier assembly");
        using var reader = new StreamReader(stream);
        (List<SearchPhrase> phrases, List<string> errors) = Parse(reader, DefaultResource, TextNormaliser.Default);
        return errors.Count == 0 ? new SearchPhrases(phrases) : throw new InvalidDataException(string.Join("; ", errors));
    }

    public static (List<SearchPhrase> Phrases, List<string> Errors) Parse(TextReader reader, string source, TextNormaliser normaliser)
    {
        var phrases = new List<SearchPhrase>();
        var errors = new List<string>();
        int number = 0;
        while (reader.ReadLine() is { } raw)
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("@language", StringComparison.Ordinal))
            {
                continue;
            }

            string[] parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            int level = parts.Length == 3 ? (parts[0] == "benign" ? 0 : IndexOfLevel(parts[0])) : -1;
            if (level < 0 || (level > 0 && !SearchRisk.Themes.Contains(parts[1])) || (level == 0 && parts[1] != "benign"))
            {
                errors.Add($"{source}:{number}: expected <low|medium|high|critical> <theme> <phrase> or benign benign <phrase>");
                continue;
            }

            bool prefix = parts[2].EndsWith('*');
            string phrase = normaliser.Normalise(parts[2].TrimEnd('*'));
            if (phrase.Length == 0)
            {
                errors.Add($"{source}:{number}: the phrase has no letters or digits");
                continue;
            }

            phrases.Add(new SearchPhrase(phrase, level, parts[1], prefix, source, number));
        }

        return (phrases, errors);
    }

    private static int IndexOfLevel(string level)
    {
        for (int i = 1; i < SearchRisk.Levels.Count; i++)
        {
            if (SearchRisk.Levels[i] == level)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The strongest risk phrase in <paramref name="normalised"/> (" word word " form) and whether a benign context matched.</summary>
    public (SearchPhrase? Strongest, bool Benign) Match(ReadOnlySpan<char> normalised)
    {
        SearchPhrase? strongest = null;
        bool benign = false;
        foreach (SearchPhrase p in _phrases)
        {
            if (!Contains(normalised, p))
            {
                continue;
            }

            if (p.Level == 0)
            {
                benign = true;
            }
            else if (strongest is null || p.Level > strongest.Level)
            {
                strongest = p;
            }
        }

        return (strongest, benign);
    }

    internal static bool Contains(ReadOnlySpan<char> text, SearchPhrase p)
    {
        int from = 0;
        while (from < text.Length)
        {
            int at = text[from..].IndexOf(p.Phrase, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            at += from;
            int end = at + p.Phrase.Length;
            bool startsWord = at == 0 || text[at - 1] == ' ';
            bool endsWord = end == text.Length || text[end] == ' ';
            if (startsWord && (endsWord || p.Prefix))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }
}
