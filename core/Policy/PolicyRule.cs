namespace FilterProxy.Core.Policy;

/// <summary>
/// A rule that can decide: built once per snapshot so a decision only points at it (no allocation).
/// <paramref name="Id"/> is stable across reloads for the same configuration (e.g. "ks2/category/gambling").
/// </summary>
public sealed record PolicyRule(string Id, DecisionReason Kind, string Description, string? Pattern = null)
{
    public override string ToString() => Id;
}
