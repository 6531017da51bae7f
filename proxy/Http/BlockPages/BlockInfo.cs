namespace FilterProxy.Http.BlockPages;

internal enum BlockKind : byte
{
    /// <summary>The policy blocked it (list, rule, schedule, suspension).</summary>
    Policy,
    /// <summary>The content check blocked the page for what it says.</summary>
    Content,
    /// <summary>The site's certificate is not valid: the connection was stopped.</summary>
    Certificate,
    /// <summary>The site could not be reached (refused, unknown name).</summary>
    Unreachable,
    /// <summary>The site did not answer in time.</summary>
    Timeout,
    /// <summary>The address is the gateway's own or another internal one the proxy never connects to.</summary>
    Internal,
    /// <summary>The origin answered with DNS (DNS-over-HTTPS), which the profile blocks.</summary>
    DnsOverHttps,
}

/// <summary>What a block page says: what was blocked, why (category, rule), and the reference to quote.</summary>
internal sealed record BlockInfo(BlockKind Kind, string Reference, string Url, string Host, string? Category, string? Rule, string Explanation, string Profile)
{
    public int Status => Kind switch
    {
        BlockKind.Policy or BlockKind.Content or BlockKind.Internal or BlockKind.DnsOverHttps => 403,
        BlockKind.Timeout => 504,
        _ => 502,
    };
}
