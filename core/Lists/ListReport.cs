namespace FilterProxy.Core.Lists;

/// <summary>How one list loaded: the answer to "is it up to date, and did all of it load?"</summary>
public sealed record ListReport
{
    public const int MaxSamples = 20;

    public required string Name { get; init; }
    public required ListFormat Format { get; init; }
    public required string Source { get; init; }
    public long Domains { get; init; }
    public long Urls { get; init; }
    public long Exceptions { get; init; }
    /// <summary>Lines that are valid but mean nothing at network level (cosmetic AdBlock rules, localhost…).</summary>
    public long Skipped { get; init; }
    public long Rejected { get; init; }
    public IReadOnlyList<ListLineError> RejectedSamples { get; init; } = [];
    /// <summary>UT1 categories present in the folder but not mapped to a FilterProxy category.</summary>
    public IReadOnlyList<string> UnmappedCategories { get; init; } = [];
    /// <summary>When the content now in use was fetched or read.</summary>
    public DateTimeOffset? LastRefresh { get; init; }
    public DateTimeOffset LastAttempt { get; init; }
    /// <summary>Set when the last refresh failed; the previous content (if any) stays in use.</summary>
    public string? Error { get; init; }
    public bool Stale => Error is not null;
    public TimeSpan Duration { get; init; }
}
