using System.Net;

namespace FilterProxy.Http;

internal enum ProxyMode : byte
{
    /// <summary>The explicit proxy port: absolute-form requests and CONNECT.</summary>
    Explicit,
    /// <summary>Redirected port-80 traffic: origin-form requests, Host names the site.</summary>
    TransparentHttp,
    /// <summary>Redirected port-443 traffic: a TLS ClientHello first, SNI names the site.</summary>
    TransparentHttps,
}

/// <summary>
/// Per-connection state set by the proxy's connection middleware and read by the request handler (a Kestrel
/// connection feature, so it reaches every request on the connection).
/// </summary>
internal sealed class ProxyConnectionFeature
{
    public required ProxyMode Mode { get; init; }

    /// <summary>The client's address (IPv4-mapped addresses unmapped) and its text for events, made once per connection.</summary>
    public required IPAddress Client { get; init; }

    public required string ClientText { get; init; }

    /// <summary>Where a transparently redirected connection was going (SO_ORIGINAL_DST), if known.</summary>
    public IPEndPoint? OriginalDestination { get; init; }

    /// <summary>Who the CONNECT that opened this tunnel was from (its requests carry no credentials of their own).</summary>
    public FilterProxy.Core.Identity.ClientIdentity? Identity { get; set; }

    /// <summary>Set when the connection is a decrypted tunnel: requests on it are HTTPS to this host and port.</summary>
    public TunnelTarget? Intercepted { get; set; }
}

/// <summary>The site a tunnel (CONNECT or transparent 443) leads to.</summary>
internal sealed record TunnelTarget(string Host, int Port, string? ServerName, IPEndPoint? OriginalDestination);
