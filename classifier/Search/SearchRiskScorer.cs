using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Search;

/// <summary>
/// Search-term risk from two small models over the same normalised n-grams: one for the level (none … critical),
/// one for the theme (self-harm, suicide, grooming …). The level model decides whether there is a risk at all; the
/// theme is the likeliest one that is not "none". Character n-grams carry slang and misspellings ("kms",
/// "unalive", "sewer slide"); the training set holds the benign homework queries with the same trigger words.
/// </summary>
public sealed class SearchRiskScorer : ISearchRiskScorer
{
    private readonly TextModel _levels;
    private readonly TextModel _themes;
    private readonly TextNormaliser _normaliser;
    private readonly int[] _levelIndex;
    private readonly SearchPhrases _phrases;

    /// <summary>How sure the level model must be to raise a query above what the phrases say.</summary>
    public const float ModelConfidence = 0.7f;

    /// <summary>How sure the theme model must be to call a query "low" that the level model thinks is nothing.</summary>
    public const float WordOnlyConfidence = 0.8f;

    public SearchRiskScorer(TextModel levels, TextModel themes, SearchPhrases? phrases = null, TextNormaliser? normaliser = null)
    {
        _phrases = phrases ?? SearchPhrases.BuiltIn();
        _levels = levels;
        _themes = themes;
        _normaliser = normaliser ?? TextNormaliser.Default;
        _levelIndex = [.. SearchRisk.Levels.Select(l => levels.IndexOf(l))];
        if (_levelIndex.Any(static i => i < 0))
        {
            throw new InvalidDataException($"the search-risk model's labels ({string.Join(", ", levels.Header.Labels)}) must be {string.Join(", ", SearchRisk.Levels)}");
        }
    }

    public SearchRisk Score(string query)
    {
        (char[] buffer, int length) = _normaliser.NormalisePooled(query.AsSpan(0, Math.Min(query.Length, 512)));
        try
        {
            ReadOnlySpan<char> text = buffer.AsSpan(0, length).TrimEnd(' ');
            if (text.IsEmpty)
            {
                return SearchRisk.None;
            }

            SearchMatch match = _phrases.Match(text);
            (SearchPhrase? phrase, bool benign, SearchCues cues) = match;
            int level = phrase?.Level ?? 0;
            string? theme = phrase?.Theme;
            level = Raise(level, theme, cues);

            // The models: they read phrasing the list does not have ("nobody would notice if i was gone").
            Span<float> levels = stackalloc float[_levels.Classes];
            _levels.Predict(text, levels);
            int best = 0;
            for (int i = 1; i < _levelIndex.Length; i++)
            {
                if (levels[_levelIndex[i]] > levels[_levelIndex[best]])
                {
                    best = i;
                }
            }

            Span<float> themes = stackalloc float[_themes.Classes];
            _themes.Predict(text, themes);
            int topTheme = -1;
            for (int i = 0; i < themes.Length; i++)
            {
                if (_themes.Header.Labels[i] != "none" && (topTheme < 0 || themes[i] > themes[topTheme]))
                {
                    topTheme = i;
                }
            }

            string? modelTheme = topTheme < 0 ? null : _themes.Header.Labels[topTheme];
            if (best > level && levels[_levelIndex[best]] >= ModelConfidence)
            {
                level = best;
                theme = phrase is null || theme is null ? modelTheme : theme;
            }
            else if (level == 0 && !benign && topTheme >= 0 && themes[topTheme] >= WordOnlyConfidence)
            {
                // Nothing in the list and no confident level, but the theme model knows the word (a profanity list in
                // another language, say): low, so it is recorded but raises no alert on its own.
                level = 1;
                theme = modelTheme;
            }

            level = Math.Max(level, Raise(level, theme ?? modelTheme, cues));
            if (benign && phrase is null)
            {
                // A benign context and no risk phrase: the models' guess about a film title or homework is not a risk.
                level = 0;
            }
            else if (match.BenignOverStrongest || (benign && !(cues.HasFlag(SearchCues.FirstPerson) && level >= 3 && theme is "suicide" or "self-harm")))
            {
                // Homework, a film, a haircut: capped at low — unless the one typing says it is about them.
                level = Math.Min(level, 1);
            }

            return level == 0 ? SearchRisk.None : new SearchRisk(SearchRisk.Levels[level], theme ?? modelTheme);
        }
        finally
        {
            TextNormaliser.Return(buffer);
        }
    }

    /// <summary>
    /// What the cues make of a match (levels 0 none … 4 critical): suicide or self-harm at medium or above, said in the
    /// first person with an intent or a method ("i will take all the pills tonight") → critical; violence with a school
    /// and a weapon or a threat ("bring a knife to school") → critical; violence in the first person with intent and a
    /// weapon ("i am going to stab him") → critical; suicide or self-harm said in the first person with no other cue
    /// ("i hate my life and want to disappear") → at least high.
    /// </summary>
    internal static int Raise(int level, string? theme, SearchCues cues)
    {
        bool self = cues.HasFlag(SearchCues.FirstPerson);
        bool planned = cues.HasFlag(SearchCues.Intent) || cues.HasFlag(SearchCues.Method);
        if (theme is "suicide" or "self-harm" && level >= 2)
        {
            return self && planned ? 4 : self || (level >= 3 && planned) ? Math.Max(level, 3) : level;
        }

        if (theme == "violence" && level >= 1)
        {
            if (cues.HasFlag(SearchCues.School) && (cues.HasFlag(SearchCues.Weapon) || level >= 3))
            {
                return 4;
            }

            if (self && cues.HasFlag(SearchCues.Intent) && (cues.HasFlag(SearchCues.Weapon) || level >= 3))
            {
                return 4;
            }
        }

        return level;
    }
}
