using System.Buffers;
using System.Globalization;
using System.Text;
using FilterProxy.Core;
using FilterProxy.Core.Events;

namespace FilterProxy.Events.Keywords;

/// <summary>One monitored keyword or phrase: what it is about, how serious, which language.</summary>
public sealed record Keyword(string Phrase, string Theme, AlertSeverity Severity, string Language, string[] Tokens);

public sealed record KeywordError(string Source, int Line, string Message)
{
    public override string ToString() => $"{Source}:{Line}: {Message}";
}

/// <summary>
/// Editable monitored-keyword lists: <c>theme severity phrase…</c> per line, <c>@language xx</c> sections,
/// <c>#</c> comments. Bad lines are reported with their line number and skipped; the rest load.
/// </summary>
public static class KeywordList
{
    public const string DefaultResource = "default-keywords.txt";

    public static (List<Keyword> Keywords, List<KeywordError> Errors) Parse(string text, string source)
    {
        var keywords = new List<Keyword>();
        var errors = new List<KeywordError>();
        string language = "any";
        int lineNo = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("@language", StringComparison.OrdinalIgnoreCase))
            {
                string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2)
                {
                    errors.Add(new KeywordError(source, lineNo, "write '@language xx'"));
                    continue;
                }

                language = parts[1].ToLowerInvariant();
                continue;
            }

            string[] fields = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3)
            {
                errors.Add(new KeywordError(source, lineNo, "expected '<theme> <severity> <phrase>'"));
                continue;
            }

            if (!EnumWords.TryParse(fields[1], out AlertSeverity severity))
            {
                errors.Add(new KeywordError(source, lineNo, $"'{fields[1]}' is not a severity (info, low, medium, high, critical)"));
                continue;
            }

            string[] tokens = KeywordMatcher.Tokenize(fields[2]).ToArray();
            if (tokens.Length == 0)
            {
                errors.Add(new KeywordError(source, lineNo, "the phrase has no letters or digits"));
                continue;
            }

            keywords.Add(new Keyword(string.Join(' ', tokens), fields[0].ToLowerInvariant(), severity, language, tokens));
        }

        return (keywords, errors);
    }

    public static string ReadDefault()
    {
        using Stream stream = typeof(KeywordList).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException("the built-in keyword list is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The built-in list plus the configured files.</summary>
    public static (KeywordMatcher Matcher, List<KeywordError> Errors) Load(IEnumerable<string> files)
    {
        (List<Keyword> all, List<KeywordError> errors) = Parse(ReadDefault(), "built-in keywords");
        foreach (string file in files)
        {
            (List<Keyword> k, List<KeywordError> e) = Parse(File.ReadAllText(file), file);
            all.AddRange(k);
            errors.AddRange(e);
        }

        return (new KeywordMatcher(all), errors);
    }
}

/// <summary>Whole-word, case- and accent-insensitive phrase matching over short texts (search terms, URLs, explanations).</summary>
public sealed class KeywordMatcher
{
    private readonly Dictionary<string, List<Keyword>> _byFirst = new(StringComparer.Ordinal);

    public KeywordMatcher(IEnumerable<Keyword> keywords)
    {
        foreach (Keyword k in keywords)
        {
            if (!_byFirst.TryGetValue(k.Tokens[0], out List<Keyword>? list))
            {
                _byFirst[k.Tokens[0]] = list = [];
            }

            list.Add(k);
        }

        Count = _byFirst.Values.Sum(static l => l.Count);
    }

    public int Count { get; }

    /// <summary>Every keyword found in the text (each once), most severe first (a shared empty list when none: do not modify). Allocates nothing unless something matches.</summary>
    public IReadOnlyList<Keyword> Match(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return s_none;
        }

        if (!Ascii.IsValid(text) || text.Contains('%', StringComparison.Ordinal) || text.Contains('+', StringComparison.Ordinal) || text.Contains('\'', StringComparison.Ordinal))
        {
            return MatchTokens(Tokenize(text));
        }

        // ASCII without escapes or apostrophes (most URLs and search terms): words found in place, lower-cased into a scratch buffer.
        char[] lowered = ArrayPool<char>.Shared.Rent(text.Length);
        Span<(int Start, int Length)> words = text.Length <= 512 ? stackalloc (int, int)[256] : new (int, int)[(text.Length / 2) + 1];
        try
        {
            int count = 0;
            int start = -1;
            for (int i = 0; i <= text.Length; i++)
            {
                char ch = i < text.Length ? text[i] : ' ';
                if (char.IsAsciiLetterOrDigit(ch))
                {
                    lowered[i] = char.ToLowerInvariant(ch);
                    if (start < 0)
                    {
                        start = i;
                    }
                }
                else if (start >= 0)
                {
                    words[count++] = (start, i - start);
                    start = -1;
                }
            }

            List<Keyword>? found = null;
            Dictionary<string, List<Keyword>>.AlternateLookup<ReadOnlySpan<char>> lookup = _byFirst.GetAlternateLookup<ReadOnlySpan<char>>();
            for (int w = 0; w < count; w++)
            {
                if (!lookup.TryGetValue(lowered.AsSpan(words[w].Start, words[w].Length), out List<Keyword>? candidates))
                {
                    continue;
                }

                foreach (Keyword k in candidates)
                {
                    if (w + k.Tokens.Length > count || (found?.Contains(k) ?? false))
                    {
                        continue;
                    }

                    bool same = true;
                    for (int j = 1; j < k.Tokens.Length && same; j++)
                    {
                        same = lowered.AsSpan(words[w + j].Start, words[w + j].Length).SequenceEqual(k.Tokens[j]);
                    }

                    if (same)
                    {
                        (found ??= []).Add(k);
                    }
                }
            }

            if (found is null)
            {
                return s_none;
            }

            found.Sort(static (a, b) => b.Severity.CompareTo(a.Severity));
            return found;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(lowered);
        }
    }

    private static readonly List<Keyword> s_none = [];

    private List<Keyword> MatchTokens(List<string> tokens)
    {
        var found = new List<Keyword>();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (!_byFirst.TryGetValue(tokens[i], out List<Keyword>? candidates))
            {
                continue;
            }

            foreach (Keyword k in candidates)
            {
                if (i + k.Tokens.Length <= tokens.Count && !found.Contains(k) && Same(tokens, i, k.Tokens))
                {
                    found.Add(k);
                }
            }
        }

        found.Sort(static (a, b) => b.Severity.CompareTo(a.Severity));
        return found;
    }

    private static bool Same(List<string> tokens, int at, string[] phrase)
    {
        for (int j = 0; j < phrase.Length; j++)
        {
            if (!string.Equals(tokens[at + j], phrase[j], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Lower-cased words without accents or apostrophes ("Don't" → "dont"); URL-encoded text is decoded first.</summary>
    public static List<string> Tokenize(string text)
    {
        if (text.Contains('%', StringComparison.Ordinal) || text.Contains('+', StringComparison.Ordinal))
        {
            try
            {
                text = Uri.UnescapeDataString(text.Replace('+', ' '));
            }
            catch (UriFormatException)
            {
            }
        }

        string decomposed = text.Normalize(NormalizationForm.FormD);
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (char ch in decomposed)
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (category == UnicodeCategory.NonSpacingMark || ch is '\'' or '’')
            {
                continue;
            }

            if (char.IsLetterOrDigit(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
            }
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
        }

        return tokens;
    }
}
