using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Leases;

/// <summary>Reads a lease file in any of the three formats.</summary>
public static class LeaseFile
{
    public static LeaseReadResult Read(LeaseSource source)
    {
        if (!File.Exists(source.Path))
        {
            return new LeaseReadResult([], []);
        }

        // dhcpd and Kea rewrite their files while we read; share both ways and read what is there.
        using var stream = new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return Parse(reader, source.Format);
    }

    public static LeaseReadResult Parse(TextReader reader, LeaseFormat format) => format switch
    {
        LeaseFormat.Isc => IscLeaseParser.Parse(reader),
        LeaseFormat.Dnsmasq => DnsmasqLeaseParser.Parse(reader),
        _ => KeaLeaseParser.Parse(reader),
    };

    /// <summary>The last lease per address wins (dhcpd and Kea append renewals; dnsmasq has one line per address anyway).</summary>
    internal static LeaseReadResult Latest(List<Lease> all, List<LineError> errors)
    {
        var byAddress = new Dictionary<System.Net.IPAddress, Lease>();
        foreach (Lease lease in all)
        {
            byAddress[lease.Address] = lease;
        }

        return new LeaseReadResult([.. byAddress.Values], errors);
    }

    internal static DateTimeOffset? FromEpoch(long seconds) => seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds);
}
