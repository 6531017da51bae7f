using System.Collections.Frozen;

namespace FilterProxy.Http.Forwarding;

/// <summary>Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the proxy's own; never forwarded.</summary>
internal static class HopByHop
{
    private static readonly FrozenSet<string> s_request = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Expect", "Host", "Alt-Svc",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> s_response = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Trailer", "Transfer-Encoding", "Upgrade",
        // Alt-Svc would advertise HTTP/3 (QUIC over UDP), which the gateway cannot see into: drop it so browsers stay on TCP.
        "Alt-Svc",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsRequestHeader(string name) => s_request.Contains(name);

    public static bool IsResponseHeader(string name) => s_response.Contains(name);
}
