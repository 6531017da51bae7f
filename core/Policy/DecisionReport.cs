namespace FilterProxy.Core.Policy;

/// <summary>A decision as data, for the <c>check --json</c> command and the admin API (allocates; not for hot paths).</summary>
public sealed record DecisionReport(
    string Url,
    string Verdict,
    string Reason,
    string Profile,
    bool ProfileFallback,
    string? Group,
    string? Category,
    IReadOnlyList<string> Categories,
    string Rule,
    string? List,
    string? Entry,
    string? SafeSearchEngine,
    string? SafeSearchLevel,
    string? SafeSearchCname,
    string Explanation,
    DateTimeOffset Time)
{
    public static DecisionReport From(in Decision d, string url) => new(
        url,
        Kebab(d.Verdict.ToString()),
        Kebab(d.Reason.ToString()),
        d.Profile.Name,
        d.ProfileFallback,
        d.Group?.Name,
        d.Category is { } c ? FilterProxy.Core.Categories.Categories.NameOf(c) : null,
        [.. FilterProxy.Core.Categories.Categories.NamesOf(d.Categories)],
        d.Rule.Id,
        d.List?.ToString(),
        d.MatchedEntry,
        d.Verdict == Policy.Verdict.AllowWithSafeSearch ? d.SafeSearchEngine.ToString().ToLowerInvariant() : null,
        d.Verdict == Policy.Verdict.AllowWithSafeSearch ? d.SafeSearchLevel.ToString().ToLowerInvariant() : null,
        d.SafeSearchCname,
        d.Explain(),
        d.Time);

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
