namespace FilterProxy.Core.Content;

/// <summary>A search term's safeguarding risk: none, low, medium, high or critical, and its theme when not none.</summary>
public readonly record struct SearchRisk(string Level, string? Theme)
{
    public static readonly SearchRisk None = new("none", null);

    public static readonly IReadOnlyList<string> Levels = ["none", "low", "medium", "high", "critical"];

    public static readonly IReadOnlyList<string> Themes =
    [
        "self-harm", "suicide", "grooming", "sexting", "bullying", "radicalisation", "drugs", "gambling", "pornography", "violence", "scams",
        "abuse", "exploitation", "circumvention",
    ];

    public bool IsNone => Level == "none";
}

/// <summary>Scores short search queries for safeguarding risk (the proxy calls it for every captured search term).</summary>
public interface ISearchRiskScorer
{
    SearchRisk Score(string query);
}
