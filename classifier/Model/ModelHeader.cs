using System.Text.Json.Serialization;
using FilterProxy.Classifier.Features;

namespace FilterProxy.Classifier.Model;

/// <summary>What a model file says about itself: its labels, how it reads text, what it was trained on and how well it did.</summary>
public sealed record ModelHeader
{
    public const int CurrentFormat = 1;

    /// <summary>"content" (page categories plus "safe") or "search-theme" / "search-risk".</summary>
    public required string Kind { get; init; }

    /// <summary>Bumped by each training run of the shipped model; shown in events ("model v3").</summary>
    public int Version { get; init; } = 1;

    public required IReadOnlyList<string> Labels { get; init; }

    public required FeatureSettings Features { get; init; }

    /// <summary>SHA-256 (hex, first 16 bytes) over the training examples in order and the training options.</summary>
    public required string TrainingFingerprint { get; init; }

    public int TrainingExamples { get; init; }

    public int Seed { get; init; }

    public int Epochs { get; init; }

    /// <summary>
    /// Words of the training text kept at the end of the model's payload (most frequent first), for reading slipped
    /// words as known ones (<see cref="Normalisation.Vocabulary"/>); 0 in a model trained without.
    /// </summary>
    public int VocabularyWords { get; init; }

    /// <summary>Held-out metrics recorded by the training command (name → value).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Where the training data came from, for the model card.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ModelHeader))]
internal sealed partial class ModelJson : JsonSerializerContext;
