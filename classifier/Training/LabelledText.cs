namespace FilterProxy.Classifier.Training;

/// <summary>One training or evaluation example: plain text (already extracted from HTML), its label, and where it came from.</summary>
public sealed record LabelledText(string Text, string Label, string Source, string Language = "en")
{
    /// <summary>Which split the example belongs to: built-in corpora hold out about 20% (by a stable hash of the source line).</summary>
    public Split Split { get; init; } = Split.Train;

    /// <summary>How much the example counts in training (public sets of tweets count less than pages: they are not pages).</summary>
    public float Weight { get; init; } = 1;

    /// <summary>Rewritten with an obfuscation trick (its slipped words must not become known words).</summary>
    public bool Obfuscated { get; init; }

    /// <summary>For search queries: the risk level (none, low, medium, high, critical).</summary>
    public string? Risk { get; init; }
}

public enum Split
{
    /// <summary>Trained on, never evaluated.</summary>
    Train,

    /// <summary>Evaluated on, never trained on.</summary>
    HeldOut,

    /// <summary>A file given by hand: trained on by <c>train</c>, evaluated by <c>eval</c>.</summary>
    Any,
}
