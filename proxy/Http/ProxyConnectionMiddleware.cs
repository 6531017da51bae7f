using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using FilterProxy.Core.Policy;
using FilterProxy.Http.Transparent;
using FilterProxy.Http.Tunnels;
using Microsoft.AspNetCore.Connections;

namespace FilterProxy.Http;

/// <summary>
/// Kestrel connection middleware in front of the HTTP server on the proxy's listeners: refuses clients outside
/// the allowed networks and over the per-client cap, records the original destination of redirected
/// connections, and takes the connections Kestrel cannot serve itself: CONNECT (the explicit port) and raw TLS
/// (the transparent HTTPS port). Everything else goes on to Kestrel's HTTP/1.1 server unchanged.
/// </summary>
internal sealed class ProxyConnectionMiddleware(
    ConnectionDelegate next,
    ProxyMode mode,
    TunnelHandler tunnels,
    ClientConnectionLimiter limiter,
    PolicySnapshotHolder snapshots,
    ILogger<ProxyConnectionMiddleware> logger)
{
    private static readonly TimeSpan s_firstBytesTimeout = TimeSpan.FromSeconds(30);

    public static Func<ConnectionDelegate, ConnectionDelegate> For(IServiceProvider services, ProxyMode mode) =>
        next => ActivatorUtilities.CreateInstance<ProxyConnectionMiddleware>(services, next, mode).OnConnectionAsync;

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (connection.RemoteEndPoint is not IPEndPoint remote)
        {
            await next(connection);
            return;
        }

        IPAddress client = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        if (!snapshots.Current.IsClientAllowed(client))
        {
            Hosting.Log.ClientRefused(logger);
            await RefuseAsync(connection, 403, "Forbidden", "FilterProxy serves only this school's networks.");
            return;
        }

        if (!limiter.TryAcquire(client))
        {
            if (limiter.Warnings.ShouldLog(out long suppressed))
            {
                HttpLog.ConnectionCap(logger, snapshots.Current.Settings.Http.MaxConnectionsPerClient, suppressed);
            }

            await RefuseAsync(connection, 429, "Too Many Requests", "Too many open connections from this device.");
            return;
        }

        try
        {
            var feature = new ProxyConnectionFeature
            {
                Mode = mode,
                Client = client,
                ClientText = client.ToString(),
                OriginalDestination = mode == ProxyMode.Explicit ? null : OriginalDestination.Get(connection),
            };
            connection.Features.Set(feature);
            switch (mode)
            {
                case ProxyMode.TransparentHttps:
                    await tunnels.HandleTlsAsync(connection, next, feature, null, feature.OriginalDestination?.Port ?? 443, client);
                    break;
                case ProxyMode.Explicit:
                    (ConnectParseStatus status, ConnectRequest? connect, string? error) = await PeekConnectAsync(connection.Transport.Input, connection.ConnectionClosed);
                    if (status == ConnectParseStatus.Ok)
                    {
                        await tunnels.HandleConnectAsync(connection, next, feature, connect!, client);
                    }
                    else if (status == ConnectParseStatus.Invalid)
                    {
                        HttpLog.Malformed(logger, error!);
                        await RefuseAsync(connection, 400, "Bad Request", $"FilterProxy could not read the request: {error}.");
                    }
                    else if (status == ConnectParseStatus.NotConnect)
                    {
                        await next(connection);
                    }

                    break;
                default:
                    await next(connection);
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ConnectionResetException)
        {
            HttpLog.TunnelError(logger, ex.Message);
        }
        catch (Exception ex)
        {
            HttpLog.Unexpected(logger, ex);
        }
        finally
        {
            limiter.Release(client);
        }
    }

    /// <summary>Reads until it is clear whether the connection starts with CONNECT; consumes the CONNECT head, nothing otherwise.</summary>
    private static async Task<(ConnectParseStatus, ConnectRequest?, string?)> PeekConnectAsync(PipeReader input, CancellationToken closed)
    {
        (bool decided, (ConnectParseStatus Status, ConnectRequest? Request, string? Error) r) = await PipePeek.PeekAsync(input, s_firstBytesTimeout, closed,
            static (ReadOnlySequence<byte> data, out (ConnectParseStatus, ConnectRequest?, string?) result, out long consume) =>
            {
                ConnectParseStatus status = ConnectRequest.TryParse(data, out ConnectRequest? request, out string? error);
                result = (status, request, error);
                consume = status == ConnectParseStatus.Ok ? request!.HeadLength : 0;
                return status != ConnectParseStatus.NeedMoreData;
            });
        return decided ? r : (ConnectParseStatus.NeedMoreData, null, null);
    }

    private async Task RefuseAsync(ConnectionContext connection, int status, string phrase, string body)
    {
        if (mode == ProxyMode.TransparentHttps)
        {
            await TlsAlert.SendAsync(connection.Transport.Output, TlsAlert.AccessDenied);
            return;
        }

        await RawResponse.WriteAsync(connection.Transport.Output, status, phrase, body);
    }
}
