using FilterProxy.Classifier.Features;

namespace FilterProxy.Classifier.Model;

/// <summary>How a model is trained. Same examples + same options (seed included) = the same model, byte for byte.</summary>
public sealed record TrainingOptions
{
    public string Kind { get; init; } = "content";
    public int Version { get; init; } = 1;
    public int Seed { get; init; } = 20261121;
    public int Epochs { get; init; } = 5;

    /// <summary>AdaGrad's base step; null: <see cref="DefaultLearningRate"/> for the kind being trained.</summary>
    public float? LearningRate { get; init; }

    /// <summary>The step the trainer takes: the one given, else the kind's default.</summary>
    public float Step => LearningRate ?? DefaultLearningRate(Kind);

    /// <summary>
    /// The content model takes smaller steps than the search models: its pages are separable in training by many cues
    /// at once, and with larger steps it leans hard on whichever came first, so a held-out page showing other cues is
    /// missed (held-out ks2 recall at threshold 0.25 with ≤ 2% of help pages blocked: 0.945 at step 0.3, 0.956 at 0.1).
    /// </summary>
    public static float DefaultLearningRate(string kind) => kind == "content" ? 0.1f : 0.3f;

    /// <summary>L2 penalty on the weights a step touches.</summary>
    public float L2 { get; init; } = 1e-5f;

    /// <summary>Weight each example by N / (labels × examples of its label), capped: rare labels count as much as common ones.</summary>
    public bool BalanceLabels { get; init; } = true;

    /// <summary>With balancing: "safe" weighs as much as all harmful labels together (half and half), not one label's share.</summary>
    public bool SafeHalf { get; init; } = true;

    /// <summary>
    /// How much a "safe" example counts against a harmful one after balancing. Below 1, a miss costs more than an
    /// over-block, as it does for a school; the held-out figures show what it costs in over-blocking.
    /// </summary>
    public float SafeCost { get; init; } = 0.5f;

    public FeatureSettings Features { get; init; } = new();

    /// <summary>Which trainer: "mlnet" (ML.NET LbfgsMaximumEntropy, the default) or "sgd" (the project's AdaGrad SGD).</summary>
    public string Trainer { get; init; } = "mlnet";

    /// <summary>ML.NET's L2 penalty (L-BFGS: on the summed, example-weighted loss; not the SGD trainer's number).</summary>
    public float MlNetL2 { get; init; } = 1f;

    /// <summary>ML.NET L-BFGS iterations at most (it also stops when the loss stops improving).</summary>
    public int MlNetIterations { get; init; } = 200;

    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>The training text's words, most frequent first (<see cref="Training.VocabularyCounter"/>); empty: none.</summary>
    public IReadOnlyList<string>? Vocabulary { get; init; }
}
