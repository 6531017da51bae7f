using System.Globalization;
using System.Net;
using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Leases;

/// <summary>
/// Kea's memfile lease CSV (kea-leases4.csv): a header naming the columns (address, hwaddr, expire, hostname, state, …),
/// then one row per lease event; the last row per address wins. State 0 is active; 1 (declined) and 2 (expired,
/// reclaimed) are not leases any more.
/// </summary>
internal static class KeaLeaseParser
{
    public static LeaseReadResult Parse(TextReader reader)
    {
        var leases = new List<Lease>();
        var errors = new List<LineError>();
        string? header = reader.ReadLine();
        if (header is null)
        {
            return new LeaseReadResult([], []);
        }

        string[] columns = header.Split(',');
        int Col(string name) => Array.FindIndex(columns, c => c.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));
        int address = Col("address"), hw = Col("hwaddr"), expire = Col("expire"), host = Col("hostname"), state = Col("state");
        if (address < 0 || hw < 0 || expire < 0)
        {
            errors.Add(new LineError(1, "not a Kea lease file: the header needs address, hwaddr and expire columns"));
            return new LeaseReadResult([], errors);
        }

        int number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            string[] f = line.Split(',');
            if (f.Length < columns.Length - 2 || f.Length <= Math.Max(address, Math.Max(hw, expire)))
            {
                errors.Add(new LineError(number, $"expected {columns.Length} fields, found {f.Length}"));
                continue;
            }

            if (!IPAddress.TryParse(f[address], out IPAddress? ip))
            {
                errors.Add(new LineError(number, $"'{f[address]}' is not an IP address"));
                continue;
            }

            if (!long.TryParse(f[expire], NumberStyles.None, CultureInfo.InvariantCulture, out long expiry))
            {
                errors.Add(new LineError(number, $"'{f[expire]}' is not an expiry time (Unix seconds)"));
                continue;
            }

            if (state >= 0 && state < f.Length && f[state] is { Length: > 0 } s && s != "0")
            {
                leases.RemoveAll(l => l.Address.Equals(ip));
                continue;
            }

            if (!MacAddress.TryNormalise(f[hw], out string mac))
            {
                errors.Add(new LineError(number, $"'{f[hw]}' is not a MAC address"));
                continue;
            }

            string? name = host >= 0 && host < f.Length && f[host].Length > 0 ? f[host].TrimEnd('.') : null;
            leases.Add(new Lease(ip, mac, name, LeaseFile.FromEpoch(expiry)));
        }

        return LeaseFile.Latest(leases, errors);
    }
}
