using System.Globalization;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Classifier.Phrases;

/// <summary>One weighted phrase: positive weights count towards the category, negative ones away from it (education, support).</summary>
public sealed record WeightedPhrase(Category Category, int Weight, string Phrase, string Language, string Source, int Line);

/// <summary>A line of a phrase list that could not be read.</summary>
public sealed record PhraseListError(string Source, int Line, string Message)
{
    public override string ToString() => $"{Source}:{Line}: {Message}";
}

/// <summary>
/// Weighted phrase lists (the e2guardian idea): one phrase per line, <c>category weight phrase</c>, e.g.
/// <c>gambling 40 online casino</c> or <c>self-harm -60 childline</c>. <c>#</c> starts a comment and
/// <c>@language fr</c> sets the language of the lines after it. A technician adds or removes a line.
/// </summary>
public static class PhraseList
{
    /// <summary>The built-in phrases plus the given lists (http.phraseLists); every bad line stops the start with its file and line.</summary>
    public static List<WeightedPhrase> BuiltInAnd(IEnumerable<string> files)
    {
        List<WeightedPhrase> phrases = BuiltIn();
        var errors = new List<ConfigError>();
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                errors.Add(new ConfigError("http.phraseLists", $"{file}: file not found"));
                continue;
            }

            using var reader = new StreamReader(file);
            (List<WeightedPhrase> more, List<PhraseListError> bad) = Parse(reader, file);
            phrases.AddRange(more);
            errors.AddRange(bad.Select(static b => new ConfigError("http.phraseLists", b.ToString())));
        }

        return errors.Count == 0 ? phrases : throw new ConfigException("phrase lists", errors);
    }

    public static (List<WeightedPhrase> Phrases, List<PhraseListError> Errors) Parse(TextReader reader, string source)
    {
        var phrases = new List<WeightedPhrase>();
        var errors = new List<PhraseListError>();
        string language = "en";
        int number = 0;
        while (reader.ReadLine() is { } raw)
        {
            number++;
            string line = raw.Trim();
            int hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash].TrimEnd();
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("@language", StringComparison.OrdinalIgnoreCase))
            {
                string value = line["@language".Length..].Trim();
                if (value.Length is < 2 or > 8)
                {
                    errors.Add(new PhraseListError(source, number, $"'{value}' is not a language code (e.g. en, fr, pl)"));
                }
                else
                {
                    language = value.ToLowerInvariant();
                }

                continue;
            }

            string[] parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
            {
                errors.Add(new PhraseListError(source, number, "expected: category weight phrase"));
                continue;
            }

            if (!Categories.TryParse(parts[0], out Category? category))
            {
                errors.Add(new PhraseListError(source, number, $"unknown category '{parts[0]}'"));
                continue;
            }

            if (!int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int weight) || weight is < -1000 or > 1000 || weight == 0)
            {
                errors.Add(new PhraseListError(source, number, $"'{parts[1]}' is not a weight (a whole number from -1000 to 1000, not 0)"));
                continue;
            }

            if (PhraseTokens.Count(parts[2]) is 0 or > PhraseTokens.MaxWords)
            {
                errors.Add(new PhraseListError(source, number, $"a phrase needs 1–{PhraseTokens.MaxWords} words"));
                continue;
            }

            phrases.Add(new WeightedPhrase(category.Value, weight, parts[2], language, source, number));
        }

        return (phrases, errors);
    }

    /// <summary>
    /// The built-in lists shipped with FilterProxy (<c>classifier/Phrases/Lists/&lt;language&gt;.txt</c>: English, and the
    /// languages most spoken by pupils with English as an additional language), in file-name order.
    /// </summary>
    public static List<WeightedPhrase> BuiltIn()
    {
        var phrases = new List<WeightedPhrase>();
        var errors = new List<PhraseListError>();
        System.Reflection.Assembly assembly = typeof(PhraseList).Assembly;
        // English first, then the other languages; a phrase another language also lists for the same category keeps the
        // first weight ("casino" is English's 20, not Spanish's 25). A school's own lists come after and change weights.
        var seen = new HashSet<(Category, string)>();
        foreach (string name in assembly.GetManifestResourceNames().Where(static n => n.StartsWith("phrases.", StringComparison.Ordinal))
            .OrderBy(static n => n == "phrases.en.txt" ? 0 : 1).ThenBy(static n => n, StringComparer.Ordinal))
        {
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            (List<WeightedPhrase> found, List<PhraseListError> bad) = Parse(reader, "built-in " + name["phrases.".Length..]);
            phrases.AddRange(found.Where(p => seen.Add((p.Category, p.Phrase.ToLowerInvariant()))));
            errors.AddRange(bad);
        }

        return errors.Count == 0 && phrases.Count > 0 ? phrases : throw new InvalidOperationException("The built-in phrase lists are invalid: " + string.Join("; ", errors));
    }

    /// <summary>The languages the built-in lists cover.</summary>
    public static IReadOnlyList<string> BuiltInLanguages() => [.. BuiltIn().Select(static p => p.Language).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
