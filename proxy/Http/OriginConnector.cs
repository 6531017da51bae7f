using System.Net;
using System.Net.Sockets;
using FilterProxy.Core.Domains;
using FilterProxy.Core.Policy;
using FilterProxy.Http.Destinations;

namespace FilterProxy.Http;

/// <summary>
/// Opens TCP connections to origins for tunnels and the forwarder: to the original destination of a
/// transparently redirected connection; else to the gateway's local DNS names (dns.localNames, so the proxy and
/// the DNS server agree); else to what the system resolver says. Every address is put to the
/// <see cref="DestinationGuard"/> before it is connected to: the gateway's own services, loopback and other internal
/// addresses are refused however the host was spelt (<see cref="DestinationRefusedException"/>).
/// </summary>
internal sealed class OriginConnector(PolicySnapshotHolder snapshots, DestinationGuard guard)
{
    public async Task<Socket> ConnectAsync(string host, int port, IPEndPoint? original, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (original is not null)
        {
            addresses = [original.Address];
            port = original.Port;
        }
        else
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(snapshots.Current.Settings.Http.ConnectTimeout);
        Exception? last = null;
        foreach (IPAddress address in addresses)
        {
            if (guard.Refusal(address, port) is { } refusal)
            {
                last ??= new DestinationRefusedException($"FilterProxy does not connect to {address} port {port}: {refusal}");
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                last = ex;
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                if (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"no answer from {host}:{port} within {snapshots.Current.Settings.Http.ConnectTimeout.TotalSeconds:0.#} s", ex);
                }
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound, $"{host} has no address");
    }

    /// <summary>A host's addresses: an address literal in any spelling the system accepts, a local name, or the system resolver's answer.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        string bare = HostName.WithoutBrackets(host);
        if (IPAddress.TryParse(bare, out IPAddress? literal))
        {
            return [literal];
        }

        if (snapshots.Current.Settings.Dns.LocalNames.TryGetValue(bare.TrimEnd('.'), out IReadOnlyList<IPAddress>? local))
        {
            return [.. local];
        }

        return await System.Net.Dns.GetHostAddressesAsync(bare, cancellationToken);
    }

    /// <summary>Why a literal address target is refused (null for names and allowed addresses): lets CONNECT refuse before it answers 200.</summary>
    public string? RefusalOfLiteral(string host, int port) =>
        IPAddress.TryParse(HostName.WithoutBrackets(host), out IPAddress? literal) ? guard.Refusal(literal, port) : null;
}
