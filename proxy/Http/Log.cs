namespace FilterProxy.Http;

/// <summary>
/// The proxy's log messages (event ids 20–39; the gateway's own use 1–9). No host names, URLs or client
/// addresses at information level or above: those are personal data and go to the event store.
/// </summary>
internal static partial class HttpLog
{
    [LoggerMessage(20, LogLevel.Information, "HTTP proxy listening on {Endpoints}")]
    public static partial void Listening(ILogger logger, string endpoints);

    [LoggerMessage(21, LogLevel.Warning, "A client reached the per-client connection cap ({Limit}); its new connections are refused until some close ({Suppressed} more refusals in the last 10 s not logged)")]
    public static partial void ConnectionCap(ILogger logger, int limit, long suppressed);

    [LoggerMessage(22, LogLevel.Warning, "Interception failed (the client refused the school certificate: {Reason}); that host is spliced for {Minutes} minutes. See the event store for which host.")]
    public static partial void InterceptionFailed(ILogger logger, string reason, double minutes);

    [LoggerMessage(23, LogLevel.Debug, "Malformed request on a proxy connection: {Reason}")]
    public static partial void Malformed(ILogger logger, string reason);

    [LoggerMessage(24, LogLevel.Debug, "Tunnel ended with an error: {Reason}")]
    public static partial void TunnelError(ILogger logger, string reason);

    [LoggerMessage(25, LogLevel.Error, "Unexpected error on a proxy connection; the connection was closed (fail closed)")]
    public static partial void Unexpected(ILogger logger, Exception exception);
}
