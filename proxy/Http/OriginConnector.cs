using System.Net;
using System.Net.Sockets;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http;

/// <summary>
/// Opens TCP connections to origins for tunnels and the forwarder: to the original destination of a
/// transparently redirected connection; else to the gateway's local DNS names (dns.localNames, so the proxy and
/// the DNS server agree); else to what the system resolver says. Refuses the gateway's own proxy ports (a loop).
/// </summary>
internal sealed class OriginConnector(PolicySnapshotHolder snapshots, ProxyEndpoints own)
{
    public async Task<Socket> ConnectAsync(string host, int port, IPEndPoint? original, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (original is not null)
        {
            addresses = [original.Address];
            port = original.Port;
        }
        else if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            addresses = [literal];
        }
        else if (snapshots.Current.Settings.Dns.LocalNames.TryGetValue(host.TrimEnd('.'), out IReadOnlyList<IPAddress>? local))
        {
            addresses = [.. local];
        }
        else
        {
            addresses = await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(snapshots.Current.Settings.Http.ConnectTimeout);
        Exception? last = null;
        foreach (IPAddress address in addresses)
        {
            if (own.IsOwn(address, port))
            {
                throw new SocketException((int)SocketError.ConnectionRefused, "that is this gateway's own proxy port (a loop)");
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
}

/// <summary>The gateway's own listening ports, filled in once Kestrel has bound them.</summary>
internal sealed class ProxyEndpoints
{
    private volatile int[] _ports = [];

    public void Set(IEnumerable<int> ports) => _ports = [.. ports.Distinct()];

    public bool IsOwn(IPAddress address, int port)
    {
        if (Array.IndexOf(_ports, port) < 0)
        {
            return false;
        }

        return IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
    }
}
