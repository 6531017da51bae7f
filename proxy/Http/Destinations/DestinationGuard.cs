using System.Net;
using System.Net.Sockets;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Networks;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http.Destinations;

/// <summary>
/// Decides whether the proxy may open a connection to an address, whatever the request called it ("2130706433",
/// "0x7f.1", "[::ffff:127.0.0.1]", or a name that resolves to 127.0.0.1): the check is on the address actually
/// connected to, for every profile and every port. Refused: the gateway's own listening ports on this machine (always,
/// whatever is allowed), then — unless <c>http.allowInternalDestinations</c> lists the address — loopback, unspecified,
/// link-local, multicast and broadcast addresses, this machine's own addresses, <c>http.refuseDestinations</c>, and
/// the addresses of the services the gateway uses (<c>http.refuseServiceHosts</c>, on by default).
/// </summary>
internal sealed class DestinationGuard(PolicySnapshotHolder snapshots, GatewayAddresses own, ServiceHosts services)
{
    /// <summary>The 64:ff9b::/96 NAT64 prefix (RFC 6052): an IPv4 address carried inside IPv6.</summary>
    private static readonly UInt128 s_nat64 = (UInt128)0x0064_ff9b << 96;

    /// <summary>Null when the proxy may connect to <paramref name="address"/>:<paramref name="port"/>; else why not.</summary>
    public string? Refusal(IPAddress address, int port)
    {
        address = Embedded(address);
        bool loopback = IPAddress.IsLoopback(address);
        bool unspecified = IsUnspecified(address);
        bool local = own.IsLocal(address);
        if ((loopback || unspecified || local) && own.IsListening(port))
        {
            return "that is one of this gateway's own services";
        }

        HttpSettings http = snapshots.Current.Settings.Http;
        UInt128 value = IpNetwork.ToUInt128(address);
        if (Contains(http.AllowInternalDestinations, value))
        {
            return null;
        }

        return loopback ? "that is a loopback address (the gateway itself)"
            : unspecified ? "that is the unspecified address (the gateway itself)"
            : IsLinkLocal(address) ? "that is a link-local address"
            : IsMulticastOrBroadcast(address) ? "that is a multicast or broadcast address"
            : local ? "that is one of this gateway's own addresses"
            : Contains(http.RefuseDestinations, value) ? "that network is refused by http.refuseDestinations"
            : http.RefuseServiceHosts && services.Contains(address) ? "that is the address of a service this gateway uses (event store, directory or mail server)"
            : null;
    }

    /// <summary>IPv4-mapped and NAT64 addresses as the IPv4 address they carry.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            UInt128 v = IpNetwork.ToUInt128(address);
            if ((v >> 32) == (s_nat64 >> 32))
            {
                return new IPAddress(address.GetAddressBytes().AsSpan(12, 4));
            }

            return address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address; // compared without the zone
        }

        return address;
    }

    private static bool IsUnspecified(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork ? FirstByte(a) == 0 : a.Equals(IPAddress.IPv6Any);

    private static bool IsLinkLocal(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork ? FirstByte(a) == 169 && SecondByte(a) == 254 : a.IsIPv6LinkLocal;

    private static bool IsMulticastOrBroadcast(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork ? FirstByte(a) >= 224 : a.IsIPv6Multicast;

    private static int FirstByte(IPAddress a)
    {
        Span<byte> b = stackalloc byte[4];
        a.TryWriteBytes(b, out _);
        return b[0];
    }

    private static int SecondByte(IPAddress a)
    {
        Span<byte> b = stackalloc byte[4];
        a.TryWriteBytes(b, out _);
        return b[1];
    }

    private static bool Contains(IReadOnlyList<IpNetwork> networks, UInt128 value)
    {
        foreach (IpNetwork n in networks)
        {
            if (n.Contains(value))
            {
                return true;
            }
        }

        return false;
    }
}
