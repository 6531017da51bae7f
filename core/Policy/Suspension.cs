using FilterProxy.Core.Networks;

namespace FilterProxy.Core.Policy;

/// <summary>A user's (or a client address's) internet access suspended for a period.</summary>
public sealed class Suspension
{
    public string? User { get; init; }
    public IpNetwork? Client { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset Until { get; init; }
    public required string Reason { get; init; }
    public required string By { get; init; }
    public required PolicyRule Rule { get; init; }

    public bool IsActive(DateTimeOffset now) => now >= From && now < Until;
}
