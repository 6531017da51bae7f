using FilterProxy.Core.Policy;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Dns;

public enum DnsOutcome : byte
{
    /// <summary>The response is in the caller's buffer.</summary>
    Answered,
    /// <summary>Needs an upstream: call <see cref="DnsResolver.ForwardAsync"/>.</summary>
    Forward,
    /// <summary>Say nothing (not a query).</summary>
    Drop,
}

public enum DnsSource : byte
{
    None,
    Malformed,
    Refused,
    RateLimited,
    Blocked,
    BlockedAlias,
    Canary,
    Local,
    SafeSearch,
    Cache,
    Upstream,
    UpstreamFailed,
}

/// <summary>What the resolver did with one query (for the server, events and tests).</summary>
internal struct DnsResult
{
    public DnsOutcome Outcome;
    public DnsSource Source;
    public int Length;
    public int Rcode;
    public DnsQuery Query;
    public bool HasDecision;
    /// <summary>Who asked (session or device), when the decision was made.</summary>
    public FilterProxy.Core.Identity.ClientIdentity? Identity;
    public Decision Decision;
    /// <summary>For a safe-search answer: the vendor's safe host.</summary>
    public string? SafeTarget;
    /// <summary>For a blocked CNAME target: which one.</summary>
    public string? BlockedAlias;
    public string? Upstream;
    public TimeSpan UpstreamLatency;
}
