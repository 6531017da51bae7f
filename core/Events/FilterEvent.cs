namespace FilterProxy.Core.Events;

public enum EventKind
{
    Http,
    HttpsSni,
    Dns,
    Search,
    BlockPageAction,
    Circumvention,
}

/// <summary>
/// One thing that happened: who (client, device, user, profile), what (host, URL, query type, search
/// term), and what FilterProxy did (verdict, reason, rule, list). Personal data: it goes to the event
/// store, never to console logs.
/// </summary>
public sealed record FilterEvent
{
    /// <summary>A short reference (shown on block pages, quoted in review requests); null when the path does not assign one.</summary>
    public string? Id { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required EventKind Kind { get; init; }
    public string? Node { get; init; }
    public string? ClientIp { get; init; }
    public string? Device { get; init; }
    public string? User { get; init; }
    public string? Profile { get; init; }
    public string? Method { get; init; }
    public string? Host { get; init; }
    public string? Url { get; init; }
    public string? SearchTerm { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public required string Verdict { get; init; }
    public string? Reason { get; init; }
    public string? Rule { get; init; }
    public string? List { get; init; }
    public int Status { get; init; }
    public long Bytes { get; init; }
    /// <summary>The content check's explanation: the phrases or n-grams that weighed most, and the score.</summary>
    public string? Content { get; init; }
    /// <summary>A note the user typed (block-page review and report actions), bounded.</summary>
    public string? Note { get; init; }
    public double LatencyMs { get; init; }

    // DNS
    public string? Protocol { get; init; }
    public string? QueryType { get; init; }
    public string? ResponseCode { get; init; }
    public bool CacheHit { get; init; }
    public string? Upstream { get; init; }
    public double? UpstreamMs { get; init; }
}
