using FilterProxy.Classifier.Extraction;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Content;

/// <summary>
/// The content classifier the proxy uses: text extracted, normalised once, then scored by the trained model and
/// the weighted phrase lists together. For each category, the phrase total shifts the model's log-odds
/// (<c>score = σ(logit(p) + total / <see cref="PhraseScale"/>)</c>): "online casino" (+50) adds one logit, Childline
/// (−60) takes 1.2 away. Categories the model does not know are scored by their phrases alone. Each category at or
/// above <see cref="ReportFloor"/> carries its explanation: the n-grams that weighed most against "safe", then the
/// phrases. A clean page (nothing above the floor) costs no allocation.
/// </summary>
public sealed class ContentClassifier : IContentClassifier
{
    public const double PhraseScale = 50;

    /// <summary>
    /// The model reads the first 16K characters of normalised text (about 2,500 words); the phrase lists read it
    /// all. A page's nature shows long before that, and it keeps a long page from costing the proxy milliseconds.
    /// </summary>
    public const int DefaultModelTextLimit = 16 * 1024;
    public const double ReportFloor = 0.2;

    /// <summary>
    /// Fewer words than this and the model is not asked: two or three words carry too little for it, and what it
    /// says then is mostly its prior ("first part" read as drugs 0.55: "part" as in "party"). The phrase lists still
    /// judge such a text on their own ("free porn videos" is blocked), as they judge categories the model does not know.
    /// </summary>
    public const int MinModelWords = 3;
    private const int ModelEvidence = 4;
    private const int PhraseEvidence = 3;

    private readonly TextModel _model;
    private readonly WeightedPhraseClassifier _phrases;
    private readonly TextNormaliser _normaliser;
    private readonly Vocabulary? _vocabulary;
    private readonly Category?[] _labelCategory;
    private readonly int _safe;
    private readonly HostWords _hostWords;
    private readonly HatePatterns _hate;

    public ContentClassifier(TextModel model, IEnumerable<WeightedPhrase> phrases, TextNormaliser? normaliser = null, int modelTextLimit = DefaultModelTextLimit, HatePatterns? hatePatterns = null)
    {
        ModelTextLimit = modelTextLimit;
        _model = model;
        _hate = hatePatterns ?? HatePatterns.Shared;
        _normaliser = normaliser ?? (model.Vocabulary is null ? TextNormaliser.Default : TextNormaliser.MarkingJoined);

        // Phrases are matched against normalised text, so they are normalised the same way ("k1ll" = "kill").
        TextNormaliser phraseNormaliser = normaliser ?? TextNormaliser.Default;
        _phrases = new WeightedPhraseClassifier(phrases.Select(p => p with { Phrase = phraseNormaliser.Normalise(p.Phrase) }).Where(static p => p.Phrase.Length > 0));
        // Slipped words are read as the model's words; a phrase's own words are known, so they are never read as others.
        _vocabulary = model.Vocabulary?.WithKnown(_phrases.Words);
        _labelCategory = new Category?[model.Classes];
        for (int i = 0; i < model.Classes; i++)
        {
            _labelCategory[i] = Categories.TryParse(model.Header.Labels[i], out Category? c) ? c : null;
        }

        _safe = model.IndexOf("safe");
        _hostWords = new HostWords(_vocabulary);
        Name = $"model v{model.Header.Version} + {_phrases.Count} phrases";
    }

    public string Name { get; }

    public int ModelTextLimit { get; }

    public TextModel Model => _model;

    public ValueTask<ContentVerdict> ClassifyAsync(ContentSample sample, CancellationToken cancellationToken)
    {
        using PooledText text = TextExtractor.ExtractPooled(sample);
        string host = _hostWords.Of(sample.Host);
        if (host.Length == 0)
        {
            return ValueTask.FromResult(ClassifyText(text.Text, cancellationToken));
        }

        // The site's name counts too (an unlisted "hot-escorts-london" page): its words come first, as a title would.
        char[] withHost = System.Buffers.ArrayPool<char>.Shared.Rent(host.Length + 2 + text.Text.Length);
        try
        {
            host.CopyTo(withHost);
            withHost[host.Length] = '.';
            withHost[host.Length + 1] = ' ';
            text.Text.CopyTo(withHost.AsSpan(host.Length + 2));
            return ValueTask.FromResult(ClassifyText(withHost.AsSpan(0, host.Length + 2 + text.Text.Length), cancellationToken));
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(withHost);
        }
    }

    public ContentVerdict ClassifyText(ReadOnlySpan<char> text, CancellationToken cancellationToken = default) => Classify(text, null, cancellationToken);

    /// <summary>The verdict and every label's score (safe: the model's probability; categories: combined with phrases).</summary>
    public (ContentVerdict Verdict, Dictionary<string, double> Scores) ClassifyWithScores(ReadOnlySpan<char> text)
    {
        var all = new Dictionary<string, double>(StringComparer.Ordinal);
        return (Classify(text, all, default), all);
    }

    private ContentVerdict Classify(ReadOnlySpan<char> text, Dictionary<string, double>? all, CancellationToken cancellationToken)
    {
        (char[] buffer, int length, double trust) = Normalise(text);
        try
        {
            ReadOnlySpan<char> normalised = buffer.AsSpan(0, length);
            ReadOnlySpan<char> forModel = normalised.Length <= ModelTextLimit ? normalised : normalised[..(normalised[..ModelTextLimit].LastIndexOf(' ') + 1)];
            Span<float> p = stackalloc float[_model.Classes];
            bool modelJudges = PredictModel(forModel, p);
            cancellationToken.ThrowIfCancellationRequested();
            return Score(forModel, p, modelJudges, trust, _phrases.Find(normalised, cancellationToken), all);
        }
        finally
        {
            TextNormaliser.Return(buffer);
        }
    }

    /// <summary>
    /// One segment of a stream as the window keeps it: normalised and read through the vocabulary (as the model and
    /// the phrases read it), with its words and known words (for the trust). The text is in a rented buffer (return
    /// it with <see cref="TextNormaliser.Return"/>).
    /// </summary>
    internal (char[] Buffer, int Length, int Words, int Known) Segment(ReadOnlySpan<char> text)
    {
        (char[] buffer, int length) = _normaliser.NormalisePooled(text);
        int words = 0, known = 0;
        if (_vocabulary is not null)
        {
            (buffer, length) = _vocabulary.ReadPooled(buffer, length, int.MaxValue, out words, out known);
        }

        return (buffer, length, words, known);
    }

    /// <summary>
    /// One step of a streamed page (<see cref="Streaming.ContentStream"/>): the model reads the recent normalised
    /// <paramref name="window"/> (its newest segment is the <paramref name="fresh"/> one), the phrase lists read only the
    /// fresh segment, adding what they find to the stream's <paramref name="tally"/>, and the tally is scored with the
    /// window's model probabilities — so evidence spread over a page still adds up, and no text is normalised or read
    /// by the phrase lists twice.
    /// </summary>
    /// <remarks>
    /// <paramref name="explain"/> false: scores only, no evidence (most windows of a stream are clean or nearly so, and
    /// explaining each one cost more than judging it); the stream asks again, with the fresh text empty, for a
    /// window that blocks.
    /// </remarks>
    internal ContentVerdict ClassifyStreamed(Streaming.NormalisedWindow window, ReadOnlySpan<char> fresh, Streaming.PhraseTally tally, bool explain)
    {
        Span<float> p = stackalloc float[_model.Classes];
        bool modelJudges = PredictModel(window.Text, p);
        if (!fresh.IsEmpty)
        {
            tally.Add(_phrases.Find(fresh));
        }

        return Score(window.Text, p, modelJudges, Trust(window.Words, window.Known), tally.Counts.Count > 0 ? tally.Counts : null, null, explain);
    }

    /// <summary>Opens a judge for one streamed response (what follows the prefix, SSE answers, NDJSON).</summary>
    public IContentStream OpenStream(ContentKind kind, string? charset, string host, CategorySet blocked, double threshold) =>
        new Streaming.ContentStream(this, kind, charset, new Streaming.StreamDecision(blocked, threshold));

    /// <summary>Normalised text in a rented buffer (the model's part read through the vocabulary) and how far the model is trusted on it.</summary>
    private (char[] Buffer, int Length, double Trust) Normalise(ReadOnlySpan<char> text)
    {
        (char[] buffer, int length) = _normaliser.NormalisePooled(text);
        if (_vocabulary is null)
        {
            return (buffer, length, 1);
        }

        // Only the model's part of the text is read through the vocabulary (the phrases read the rest as it is): a
        // long page costs one lookup per word of its first 16K characters, not of all of them.
        (buffer, length) = _vocabulary.ReadPooled(buffer, length, ModelTextLimit, out int words, out int known);
        return (buffer, length, Trust(words, known));
    }

    /// <summary>The model's probabilities, or "safe" when the text has too few words for it (false then).</summary>
    private bool PredictModel(ReadOnlySpan<char> forModel, Span<float> p)
    {
        if (HasWords(forModel, MinModelWords))
        {
            _model.Predict(forModel, p);
            return true;
        }

        p.Clear();
        if (_safe >= 0)
        {
            p[_safe] = 1;
        }

        return false;
    }

    private ContentVerdict Score(ReadOnlySpan<char> forModel, ReadOnlySpan<float> p, bool modelJudges, double trust, Dictionary<WeightedPhrase, int>? found, Dictionary<string, double>? all, bool explain = true)
    {
        (int hateHits, string? hateExample) = _hate.Find(forModel);
        if (hateHits > 0)
        {
            // A group named beside something hostile ("muslims … are vermin") counts as a discrimination phrase
            // (for this text only: a streamed page's tally is copied, not changed).
            found = found is null ? [] : new Dictionary<WeightedPhrase, int>(found);
            found[new WeightedPhrase(Category.Discrimination, HatePatterns.Weight, "pattern " + hateExample, "", "hate patterns", 0)] = hateHits;
        }

        List<CategoryScore>? scores = null;
        for (int i = 0; i < _model.Classes; i++)
        {
            if (_labelCategory[i] is not { } category)
            {
                all?.Add(_model.Header.Labels[i], Math.Round(p[i], 4));
                continue;
            }

            int total = found is null ? 0 : PhraseTotal(found, category);
            double score = !modelJudges ? PhraseScore(total)
                : trust >= 1 ? Combine(p[i], total)
                : (trust * Combine(p[i], total)) + ((1 - trust) * PhraseScore(total));
            all?.Add(_model.Header.Labels[i], Math.Round(score, 4));
            if (score >= ReportFloor)
            {
                (scores ??= []).Add(new CategoryScore(category, score, !explain ? [] : modelJudges ? Evidence(forModel, i, category, found) : PhraseEvidenceFor(found!, category)));
            }
        }

        if (found is not null)
        {
            foreach (IGrouping<Category, KeyValuePair<WeightedPhrase, int>> group in found.GroupBy(static f => f.Key.Category))
            {
                if (Array.IndexOf(_labelCategory, group.Key) >= 0)
                {
                    continue;
                }

                double score = PhraseScore(WeightedPhraseClassifier.Total(group));
                all?.Add(Categories.NameOf(group.Key), Math.Round(score, 4));
                if (score >= ReportFloor)
                {
                    (scores ??= []).Add(new CategoryScore(group.Key, score, explain ? PhraseEvidenceFor(group) : []));
                }
            }
        }

        if (scores is null)
        {
            return ContentVerdict.Clean;
        }

        scores.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        return new ContentVerdict(scores);
    }

    /// <summary>A category's phrase total (a method, not a lambda: a closure in the loop would allocate on every page).</summary>
    private static int PhraseTotal(Dictionary<WeightedPhrase, int> found, Category category)
    {
        int total = 0;
        foreach ((WeightedPhrase phrase, int count) in found)
        {
            total += phrase.Category == category ? phrase.Weight * Math.Min(count, WeightedPhraseClassifier.MaxCountPerPhrase) : 0;
        }

        return total;
    }

    /// <summary>
    /// How far the model is trusted on a text: by the share of its words the model's vocabulary knows, and by its length. A page in a language
    /// the model was hardly trained on (most of its words unknown) gets what the model says about unfamiliar text — its
    /// priors — not an opinion; there the phrase lists judge, as they do for texts too short for the model. Full trust
    /// from <see cref="TrustedCoverage"/> of words known; none at <see cref="UntrustedCoverage"/> or below.
    /// </summary>
    public static double Trust(int words, int known)
    {
        if (words < MinModelWords)
        {
            return 1;
        }

        double coverage = (double)known / words;
        double byCoverage = Math.Clamp((coverage - UntrustedCoverage) / (TrustedCoverage - UntrustedCoverage), 0, 1);

        // A short text says little: a sign's "Parking is not allowed here." once scored self-harm 0.53 on "allowed here".
        // Below ShortText words the model's say shrinks in proportion and the phrases carry the rest.
        return byCoverage * Math.Min(1, (double)words / ShortText);
    }

    /// <summary>From this many words a text is long enough for the model's full say.</summary>
    public const int ShortText = 12;

    public const double TrustedCoverage = 0.7;
    public const double UntrustedCoverage = 0.35;

    /// <summary>A score from phrases alone: 100 → 0.63, 150 → 0.78, 200 → 0.86.</summary>
    public static double PhraseScore(int phraseTotal) => phraseTotal <= 0 ? 0 : 1 - Math.Exp(-phraseTotal / 100.0);

    /// <summary>Whether the normalised text (words separated by single spaces) has at least <paramref name="count"/> words.</summary>
    private static bool HasWords(ReadOnlySpan<char> normalised, int count)
    {
        ReadOnlySpan<char> text = normalised.Trim(' ');
        return text.Length > 0 && text.Count(' ') + 1 >= count;
    }

    /// <summary>The model's probability with the phrase total added in log-odds.</summary>
    public static double Combine(double probability, int phraseTotal)
    {
        double p = Math.Clamp(probability, 1e-6, 1 - 1e-6);
        double logit = Math.Log(p / (1 - p)) + (phraseTotal / PhraseScale);
        return 1 / (1 + Math.Exp(-logit));
    }

    private string[] Evidence(ReadOnlySpan<char> normalised, int label, Category category, Dictionary<WeightedPhrase, int>? found)
    {
        var evidence = new List<string>();
        foreach (Contribution c in ModelExplainer.Explain(_model, normalised, label, _safe, ModelEvidence))
        {
            evidence.Add($"\"{c.Text}\" (+{c.Weight:0.00})");
        }

        if (found is not null)
        {
            evidence.AddRange(PhraseEvidenceFor(found, category));
        }

        return [.. evidence];
    }

    /// <summary>A category's phrases (a method: a lambda over <paramref name="category"/> in the caller's loop would allocate its closure on every page).</summary>
    private static string[] PhraseEvidenceFor(Dictionary<WeightedPhrase, int> found, Category category) =>
        PhraseEvidenceFor(found.Where(f => f.Key.Category == category));

    private static string[] PhraseEvidenceFor(IEnumerable<KeyValuePair<WeightedPhrase, int>> found) =>
        [.. found.OrderByDescending(static f => Math.Abs(f.Key.Weight * Math.Min(f.Value, WeightedPhraseClassifier.MaxCountPerPhrase)))
            .Take(PhraseEvidence)
            .Select(static f => "phrase " + WeightedPhraseClassifier.Describe(f.Key, f.Value))];
}
