using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Evaluation;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Classifier.Training;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Content;
using FilterProxy.Core.Policy;

namespace FilterProxy.Classifier.Model;

/// <summary>
/// What <c>classifier train</c> does: train on the training split, evaluate on the held-out split (the ks2
/// profile's categories and threshold for block figures), and record the figures in the model's header.
/// </summary>
public static class ModelTraining
{
    public const string EvaluationProfile = "ks2";

    /// <summary>A built-in profile's blocked categories and content threshold, as the policy compiler builds them.</summary>
    public static (CategorySet Blocked, double Threshold) Profile(string name)
    {
        CompiledConfig defaults = PolicyCompiler.Compile(ConfigLoader.Load(null, new Dictionary<string, string>()));
        Profile profile = defaults.Profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown built-in profile '{name}' (one of: {string.Join(", ", defaults.Profiles.Select(static p => p.Name))})");
        return (profile.Blocked, profile.ContentThreshold);
    }

    public static (TextModel Model, ContentEvaluation? HeldOut) TrainContent(TrainingData data, TrainingOptions options, IEnumerable<WeightedPhrase> phrases, Action<string>? progress = null)
    {
        List<LabelledText> train = [.. data.Pages.Where(static p => p.Split != Split.HeldOut)];
        if (train.Count == 0)
        {
            throw new InvalidDataException("no page examples to train on");
        }

        IReadOnlyList<string> vocabulary = options.Vocabulary ?? VocabularyCounter.Count(train);
        TextModel model = Trainer.TrainWith(train, ShippedModels.ContentLabels, options with { Kind = "content", Sources = data.Sources, Vocabulary = vocabulary }, progress);
        // The page targets are judged on pages: the project's held-out pages. (The public sets are tweets and comments;
        // `classifier eval` reports them too.)
        List<LabelledText> heldOut = [.. data.Pages.Where(static p => p.Split == Split.HeldOut && p.Source.StartsWith("corpus:", StringComparison.Ordinal))];
        if (heldOut.Count == 0)
        {
            return (model, null);
        }

        (CategorySet blocked, double threshold) = Profile(EvaluationProfile);
        var evaluation = ContentEvaluation.Run(new ContentClassifier(model, phrases), heldOut, EvaluationProfile, blocked, threshold);
        return (model.WithHeader(model.Header with { Metrics = evaluation.Figures() }), evaluation);
    }

    /// <summary>The labelled public sources a content model can be judged on with that source left out of its training.</summary>
    public static IReadOnlyList<string> LeaveOneOutSources(TrainingData data) =>
        [.. data.Pages.Where(static p => !p.Source.StartsWith("corpus:", StringComparison.Ordinal) && !p.Source.Contains("e2guardian", StringComparison.Ordinal)
                && !p.Source.Contains("ldnoobw", StringComparison.Ordinal) && !p.Source.Contains("suicide-lexicon", StringComparison.Ordinal))
            .GroupBy(static p => p.Source)
            .Where(static g => g.Any(static p => p.Label == "safe") && g.Any(static p => p.Label != "safe"))
            .Select(static g => g.Key)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Leave-one-source-out: for each public source, a model trained on everything else (same options), judged on every
    /// text of that source (none of which it saw). What the model card leads with: it says how the model does on text
    /// written by people whose writing it never learned from.
    /// </summary>
    public static IEnumerable<(string Source, ContentEvaluation Evaluation)> LeaveOneSourceOut(TrainingData data, TrainingOptions options, IReadOnlyList<WeightedPhrase> phrases,
        Action<string>? progress = null, IReadOnlyCollection<string>? only = null)
    {
        (CategorySet blocked, double threshold) = Profile(EvaluationProfile);
        foreach (string source in LeaveOneOutSources(data).Where(s => only is not { Count: > 0 } || only.Contains(s)))
        {
            List<LabelledText> train = [.. data.Pages.Where(p => p.Split != Split.HeldOut && p.Source != source)];
            IReadOnlyList<string> vocabulary = VocabularyCounter.Count(train);
            TextModel model = Trainer.TrainWith(train, ShippedModels.ContentLabels, options with { Kind = "content", Sources = data.Sources, Vocabulary = vocabulary }, progress);
            List<LabelledText> judged = [.. data.Pages.Where(p => p.Source == source)];
            progress?.Invoke($"left out {source}: judging {judged.Count} texts");
            yield return (source, ContentEvaluation.Run(new ContentClassifier(model, phrases), judged, EvaluationProfile, blocked, threshold, obfuscation: false));
        }
    }

    public static (SearchModels Models, SearchEvaluation? HeldOut) TrainSearch(TrainingData data, TrainingOptions options, Action<string>? progress = null)
    {
        List<LabelledText> train = [.. data.Queries.Where(static q => q.Split != Split.HeldOut)];
        if (train.Count == 0)
        {
            throw new InvalidDataException("no search queries to train on");
        }

        FilterProxy.Classifier.Features.FeatureSettings features = new() { WordBits = 16, CharBits = 16 };
        // The level model learns from written queries only: bare words from profanity lists say what a word is about
        // (the theme model's job), not how worried to be; thousands of them taught it that anything unfamiliar is "medium".
        TextModel levels = Trainer.TrainWith([.. train.Where(static q => q.Weight >= 1).Select(static q => q with { Label = q.Risk! })], SearchRisk.Levels,
            options with { Kind = "search-risk", Sources = data.Sources, Features = features }, progress);
        TextModel themes = Trainer.TrainWith(train, ["none", .. SearchRisk.Themes],
            options with { Kind = "search-theme", Sources = data.Sources, Features = features }, progress);
        var models = new SearchModels(levels, themes);
        List<LabelledText> heldOut = [.. data.Queries.Where(static q => q.Split == Split.HeldOut)];
        if (heldOut.Count == 0)
        {
            return (models, null);
        }

        var evaluation = SearchEvaluation.Run(models.Scorer(), heldOut);
        return (models with { Levels = levels.WithHeader(levels.Header with { Metrics = evaluation.Figures() }) }, evaluation);
    }
}
