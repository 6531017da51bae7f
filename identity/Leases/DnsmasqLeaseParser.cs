using System.Globalization;
using System.Net;
using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Leases;

/// <summary>
/// dnsmasq's lease file: "expiry mac address hostname client-id" per line (expiry in Unix seconds, 0 = infinite,
/// "*" for no hostname). DHCPv6 lines ("duid …" and lines whose second field is an IAID) carry no MAC and are skipped.
/// </summary>
internal static class DnsmasqLeaseParser
{
    public static LeaseReadResult Parse(TextReader reader)
    {
        var leases = new List<Lease>();
        var errors = new List<LineError>();
        int number = 0;
        bool v6 = false;
        while (reader.ReadLine() is { } line)
        {
            number++;
            string text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (text.StartsWith("duid ", StringComparison.Ordinal))
            {
                v6 = true; // the lines after the DUID line are DHCPv6 leases
                continue;
            }

            string[] f = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4)
            {
                errors.Add(new LineError(number, $"expected 'expiry mac address hostname client-id', found {f.Length} fields"));
                continue;
            }

            if (!long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out long expiry))
            {
                errors.Add(new LineError(number, $"'{f[0]}' is not an expiry time (Unix seconds)"));
                continue;
            }

            if (!IPAddress.TryParse(f[2], out IPAddress? address))
            {
                errors.Add(new LineError(number, $"'{f[2]}' is not an IP address"));
                continue;
            }

            if (!MacAddress.TryNormalise(f[1], out string mac))
            {
                if (v6 || address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
                {
                    continue; // DHCPv6: the field is an IAID, not a MAC
                }

                errors.Add(new LineError(number, $"'{f[1]}' is not a MAC address"));
                continue;
            }

            leases.Add(new Lease(address, mac, f[3] == "*" ? null : f[3], LeaseFile.FromEpoch(expiry)));
        }

        return LeaseFile.Latest(leases, errors);
    }
}
