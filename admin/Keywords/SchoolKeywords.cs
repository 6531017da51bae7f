using System.Text;
using FilterProxy.Core.Events;
using FilterProxy.Events.Keywords;

namespace FilterProxy.Admin.Keywords;

/// <summary>
/// The school's own monitored keywords, edited in the UI and kept in <c>&lt;data&gt;/admin/keywords.txt</c> (the usual
/// keyword-list format), which the gateway reads beside the built-in list and the configured files — a change is
/// picked up within a second, without a reload. One writer at a time.
/// </summary>
public sealed class SchoolKeywords(AdminOptions options)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static string FilePath(string adminDirectory) => System.IO.Path.Combine(adminDirectory, "keywords.txt");

    public string Location { get; } = FilePath(options.Directory);

    public IReadOnlyList<Keyword> All => File.Exists(Location) ? KeywordList.Parse(File.ReadAllText(Location), Location).Keywords : [];

    public static int BuiltIn { get; } = KeywordList.Parse(KeywordList.ReadDefault(), "built-in").Keywords.Count;

    /// <summary>Adds a phrase; returns why not when it cannot be read or is already there.</summary>
    public async Task<string?> AddAsync(string theme, AlertSeverity severity, string language, string phrase)
    {
        theme = theme.Trim().ToLowerInvariant().Replace(' ', '-');
        language = string.IsNullOrWhiteSpace(language) ? "any" : language.Trim().ToLowerInvariant();
        if (theme.Length is 0 or > 40 || language.Length > 8 || language.Contains(' ', StringComparison.Ordinal))
        {
            return "give a theme (one word, e.g. self-harm) and a language code (e.g. en, pl; blank for any)";
        }

        (List<Keyword> parsed, List<KeywordError> errors) = KeywordList.Parse($"@language {language}\n{theme} {Alert.SeverityName(severity)} {phrase}", "the new phrase");
        if (errors.Count > 0 || parsed.Count != 1)
        {
            return errors.Count > 0 ? errors[0].Message : "the phrase has no words";
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            List<Keyword> all = [.. All];
            if (all.Any(k => k.Phrase == parsed[0].Phrase && k.Language == parsed[0].Language))
            {
                return $"'{parsed[0].Phrase}' is already in the list";
            }

            Write([.. all, parsed[0]]);
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> RemoveAsync(string phrase, string language)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            List<Keyword> all = [.. All];
            int removed = all.RemoveAll(k => k.Phrase == phrase && k.Language == language);
            if (removed > 0)
            {
                Write(all);
            }

            return removed > 0;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Write(IEnumerable<Keyword> keywords)
    {
        var text = new StringBuilder("# The school's own monitored keywords, edited in the FilterProxy admin UI (Keywords page).\n");
        foreach (IGrouping<string, Keyword> language in keywords.GroupBy(static k => k.Language).OrderBy(static g => g.Key, StringComparer.Ordinal))
        {
            text.Append("\n@language ").Append(language.Key).Append('\n');
            foreach (Keyword k in language)
            {
                text.Append(k.Theme).Append(' ').Append(Alert.SeverityName(k.Severity)).Append(' ').Append(k.Phrase).Append('\n');
            }
        }

        FilterProxy.Core.Text.AtomicFile.WriteAllText(Location, text.ToString());
    }
}
