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

    public SearchRiskScorer(TextModel levels, TextModel themes, TextNormaliser? normaliser = null)
    {
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
            ReadOnlySpan<char> text = buffer.AsSpan(0, length);
            if (text.IsWhiteSpace())
            {
                return SearchRisk.None;
            }

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

            if (best == 0)
            {
                return SearchRisk.None;
            }

            Span<float> themes = stackalloc float[_themes.Classes];
            _themes.Predict(text, themes);
            int theme = -1;
            for (int i = 0; i < themes.Length; i++)
            {
                if (_themes.Header.Labels[i] != "none" && (theme < 0 || themes[i] > themes[theme]))
                {
                    theme = i;
                }
            }

            return new SearchRisk(SearchRisk.Levels[best], theme < 0 ? null : _themes.Header.Labels[theme]);
        }
        finally
        {
            TextNormaliser.Return(buffer);
        }
    }
}
