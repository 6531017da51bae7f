using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace FilterProxy.Http.Transparent;

/// <summary>
/// Where a connection redirected by iptables/nft (REDIRECT or DNAT to this gateway) was really going: Linux's
/// SO_ORIGINAL_DST (IPv4) and IP6T_SO_ORIGINAL_DST (IPv6) socket options, read from the accepted socket.
/// Null when the connection was not redirected (it was addressed to the listener itself) or on other systems.
/// </summary>
internal static class OriginalDestination
{
    private const int SolIp = 0;
    private const int SolIpv6 = 41;
    private const int SoOriginalDst = 80;

    public static IPEndPoint? Get(ConnectionContext connection)
    {
        if (!OperatingSystem.IsLinux() || connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return null;
        }

        IPEndPoint? original = Read(socket);
        return original is null || original.Equals(Normalize(connection.LocalEndPoint as IPEndPoint)) ? null : original;
    }

    internal static IPEndPoint? Read(Socket socket)
    {
        Span<byte> buffer = stackalloc byte[28];
        try
        {
            bool v6 = socket.AddressFamily == AddressFamily.InterNetworkV6 && socket.RemoteEndPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: false };
            int length = socket.GetRawSocketOption(v6 ? SolIpv6 : SolIp, SoOriginalDst, buffer);
            if (!v6 && length >= 8)
            {
                int port = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
                return new IPEndPoint(new IPAddress(buffer.Slice(4, 4)), port);
            }

            if (v6 && length >= 24)
            {
                int port = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
                return new IPEndPoint(new IPAddress(buffer.Slice(8, 16)), port);
            }
        }
        catch (SocketException)
        {
            // No NAT entry (not redirected) or not supported here.
        }

        return null;
    }

    private static IPEndPoint? Normalize(IPEndPoint? endPoint) =>
        endPoint is { Address.IsIPv4MappedToIPv6: true } ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
