using System.Collections.Frozen;
using System.Net;

namespace FilterProxy.Core.Configuration;

public enum DnsBlockResponse
{
    /// <summary>NXDOMAIN: the name does not exist (the default: nothing to connect to, clear in logs).</summary>
    NxDomain,
    /// <summary>0.0.0.0 / :: for A and AAAA, no data for other types.</summary>
    Null,
    /// <summary>The block page's address for A (and AAAA if set), so a browser lands on the block page.</summary>
    BlockPage,
}

public enum DnsTransport
{
    Udp,
    Tls,
    Https,
}

/// <summary>An upstream resolver: <c>udp://1.1.1.1:53</c> (or just <c>1.1.1.1</c>), <c>tls://1.1.1.1:853#cloudflare-dns.com</c>, <c>https://host/dns-query</c>.</summary>
public sealed record DnsUpstream(DnsTransport Transport, IPEndPoint? EndPoint, string? TlsName, Uri? Url, string Text)
{
    public override string ToString() => Text;
}

/// <summary>The DNS server's settings. Defaults are chosen for a school network and documented in the README.</summary>
public sealed record DnsSettings
{
    public IReadOnlyList<DnsUpstream> Upstreams { get; init; } = [];
    /// <summary>True when the upstreams came from /etc/resolv.conf because none were configured.</summary>
    public bool UpstreamsFromSystem { get; init; }
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(2);
    public DnsBlockResponse BlockResponse { get; init; } = DnsBlockResponse.NxDomain;
    public IPAddress? BlockPageAddress { get; init; }
    public IPAddress? BlockPageAddressV6 { get; init; }
    /// <summary>TTL of synthesized block answers: short, so an unblock takes effect quickly on clients.</summary>
    public int BlockTtl { get; init; } = 60;
    public FrozenDictionary<string, IReadOnlyList<IPAddress>> LocalNames { get; init; } = FrozenDictionary<string, IReadOnlyList<IPAddress>>.Empty;
    public int CacheSize { get; init; } = 100_000;
    public int MinTtl { get; init; }
    public int MaxTtl { get; init; } = 86_400;
    /// <summary>Upper bound for caching NXDOMAIN/NODATA (RFC 2308); also used when the answer has no SOA.</summary>
    public int NegativeTtl { get; init; } = 300;
    /// <summary>Queries per second one client may send (burst: twice that); 0 = no limit.</summary>
    public int RateLimitPerSecond { get; init; } = 200;
    /// <summary>
    /// Identical queries (same client, name, type, profile and answer) within this many seconds of the first are
    /// counted into one further event instead of one event each; 0 = one event per query.
    /// </summary>
    public int RepeatWindowSeconds { get; init; } = 10;
    /// <summary>HTTPS port for DNS-over-HTTPS (RFC 8484) at /dns-query; null = off.</summary>
    public int? DohPort { get; init; } = 8443;
    public IReadOnlyList<string> DohHostNames { get; init; } = ["localhost"];
}
