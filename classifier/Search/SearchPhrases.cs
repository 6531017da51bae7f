using FilterProxy.Classifier.Normalisation;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Search;

/// <summary>
/// One search-risk phrase, normalised: its level (1 low … 4 critical; 0 for a benign context; -1 for a cue) and theme
/// (for a cue: what it signals — first-person, intent, method, school, weapon).
/// </summary>
public sealed record SearchPhrase(string Phrase, int Level, string Theme, bool Prefix, string Source, int Line)
{
    public const int CueLevel = -1;
}

/// <summary>The signals besides risk phrases that change a query's level: who, what for, how, where.</summary>
[Flags]
public enum SearchCues
{
    None = 0,
    /// <summary>I, me, my, myself… in the query's language: it is about the one typing.</summary>
    FirstPerson = 1,
    /// <summary>Want to, going to, tonight, how to, best way, painless…: an intent or a plan.</summary>
    Intent = 2,
    /// <summary>Pills, rope, bridge, blade…: a method.</summary>
    Method = 4,
    /// <summary>School, class, teacher…: the place.</summary>
    School = 8,
    /// <summary>Knife, gun, bomb…: a weapon.</summary>
    Weapon = 16,
}

/// <summary>
/// What a query matched: the strongest risk phrase, whether a benign context matched (anywhere, or over the strongest
/// phrase's own words — "die laughing" over "want to die"), and the cues.
/// </summary>
public readonly record struct SearchMatch(SearchPhrase? Strongest, bool Benign, SearchCues Cues)
{
    /// <summary>A benign phrase shares words with the strongest risk phrase: it says what those very words mean here.</summary>
    public bool BenignOverStrongest { get; init; }
}

/// <summary>
/// The editable search-risk phrase lists (<c>classifier/Search/Lists/&lt;language&gt;.txt</c>; a line is
/// <c>level theme phrase</c>): whole-word matches on the normalised query, a trailing <c>*</c> for word endings. Benign
/// contexts ("kill a process", "childline") cap a query at low; <c>cue kind phrase</c> lines name the words that mark the
/// first person, an intent, a method, a school or a weapon in each language. Small, because queries are short: matching
/// is a scan of a few thousand phrases.
/// </summary>
public sealed class SearchPhrases
{
    public const string ResourcePrefix = "search.";

    public static readonly IReadOnlyDictionary<string, SearchCues> CueKinds = new Dictionary<string, SearchCues>(StringComparer.Ordinal)
    {
        ["first-person"] = SearchCues.FirstPerson, ["intent"] = SearchCues.Intent, ["method"] = SearchCues.Method,
        ["school"] = SearchCues.School, ["weapon"] = SearchCues.Weapon,
    };

    private readonly List<SearchPhrase> _phrases;

    public SearchPhrases(IEnumerable<SearchPhrase> phrases) => _phrases = [.. phrases];

    public int Count => _phrases.Count;

    /// <summary>The built-in lists (one per language), in file-name order.</summary>
    public static SearchPhrases BuiltIn()
    {
        var phrases = new List<SearchPhrase>();
        var errors = new List<string>();
        System.Reflection.Assembly assembly = typeof(SearchPhrases).Assembly;
        foreach (string name in assembly.GetManifestResourceNames().Where(static n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            (List<SearchPhrase> found, List<string> bad) = Parse(reader, name[ResourcePrefix.Length..], TextNormaliser.Default);
            phrases.AddRange(found);
            errors.AddRange(bad);
        }

        return errors.Count == 0 && phrases.Count > 0 ? new SearchPhrases(phrases) : throw new InvalidDataException("the built-in search-risk phrases are invalid: " + string.Join("; ", errors));
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
            int level = parts.Length != 3 ? -2
                : parts[0] == "benign" ? (parts[1] == "benign" ? 0 : -2)
                : parts[0] == "cue" ? (CueKinds.ContainsKey(parts[1]) ? SearchPhrase.CueLevel : -2)
                : IndexOfLevel(parts[0]) is > 0 and var l && SearchRisk.Themes.Contains(parts[1]) ? l : -2;
            if (level == -2)
            {
                errors.Add($"{source}:{number}: expected <low|medium|high|critical> <theme> <phrase>, benign benign <phrase>, or cue <first-person|intent|method|school|weapon> <phrase>");
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

    /// <summary>The strongest risk phrase in <paramref name="normalised"/> (" word word " form), benign contexts, and cues.</summary>
    public SearchMatch Match(ReadOnlySpan<char> normalised)
    {
        SearchPhrase? strongest = null;
        (int Start, int End) strongestAt = default;
        bool benign = false;
        SearchCues cues = SearchCues.None;
        Span<(int Start, int End)> benignAt = stackalloc (int, int)[8];
        int benignCount = 0;
        foreach (SearchPhrase p in _phrases)
        {
            int at = IndexOf(normalised, p);
            if (at < 0)
            {
                continue;
            }

            if (p.Level == SearchPhrase.CueLevel)
            {
                cues |= CueKinds[p.Theme];
            }
            else if (p.Level == 0)
            {
                benign = true;
                if (benignCount < benignAt.Length)
                {
                    benignAt[benignCount++] = (at, at + p.Phrase.Length);
                }
            }
            else if (strongest is null || p.Level > strongest.Level || (p.Level == strongest.Level && p.Phrase.Length > strongest.Phrase.Length))
            {
                strongest = p;
                strongestAt = (at, at + p.Phrase.Length);
            }
        }

        bool over = false;
        for (int i = 0; i < benignCount && strongest is not null; i++)
        {
            over |= benignAt[i].Start < strongestAt.End && strongestAt.Start < benignAt[i].End;
        }

        return new SearchMatch(strongest, benign, cues) { BenignOverStrongest = over };
    }

    internal static bool Contains(ReadOnlySpan<char> text, SearchPhrase p) => IndexOf(text, p) >= 0;

    /// <summary>Where the phrase starts as whole words (or as a word start, with a trailing *), or -1.</summary>
    internal static int IndexOf(ReadOnlySpan<char> text, SearchPhrase p)
    {
        int from = 0;
        while (from < text.Length)
        {
            int at = text[from..].IndexOf(p.Phrase, StringComparison.Ordinal);
            if (at < 0)
            {
                return -1;
            }

            at += from;
            int end = at + p.Phrase.Length;
            bool startsWord = at == 0 || text[at - 1] == ' ';
            bool endsWord = end == text.Length || text[end] == ' ';
            if (startsWord && (endsWord || p.Prefix))
            {
                return at;
            }

            from = at + 1;
        }

        return -1;
    }
}
