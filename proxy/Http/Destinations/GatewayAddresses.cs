using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace FilterProxy.Http.Destinations;

/// <summary>
/// The gateway's own listening ports (proxy, admin, DNS, DoH: filled in once they are bound) and the addresses of this
/// machine's interfaces (re-read at most every 30 seconds, so an address a DHCP renewal adds is soon known).
/// </summary>
internal sealed class GatewayAddresses(TimeProvider time)
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromSeconds(30);
    private volatile int[] _ports = [];
    private volatile HashSet<IPAddress> _local = [];
    private long _readAt = long.MinValue;

    public void SetPorts(IEnumerable<int> ports) => _ports = [.. ports.Where(static p => p > 0).Distinct()];

    /// <summary>One of the gateway's own listening ports.</summary>
    public bool IsListening(int port) => Array.IndexOf(_ports, port) >= 0;

    /// <summary>An address of one of this machine's interfaces.</summary>
    public bool IsLocal(IPAddress address)
    {
        long now = time.GetTimestamp();
        long readAt = Interlocked.Read(ref _readAt);
        if (readAt == long.MinValue || time.GetElapsedTime(readAt, now) > s_refresh)
        {
            Interlocked.Exchange(ref _readAt, now);
            _local = Read();
        }

        return _local.Contains(address);
    }

    private static HashSet<IPAddress> Read()
    {
        var addresses = new HashSet<IPAddress>();
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    IPAddress a = unicast.Address;
                    if (a.AddressFamily == AddressFamily.InterNetworkV6 && a.ScopeId != 0)
                    {
                        a = new IPAddress(a.GetAddressBytes()); // compare without the zone
                    }

                    addresses.Add(a);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Cannot list the interfaces: loopback and unspecified are refused anyway.
        }

        return addresses;
    }
}
