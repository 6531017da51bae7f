using System.Globalization;
using System.Net;
using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Leases;

/// <summary>
/// ISC dhcpd's dhcpd.leases: "lease ADDRESS { … }" blocks with "ends W YYYY/MM/DD HH:MM:SS;" (UTC) or
/// "ends epoch N;", "hardware ethernet MAC;", "client-hostname "name";", "binding state active|free|…;".
/// The file is a log: a later block for the same address replaces an earlier one. Only active bindings count
/// (a block without a binding state, from old servers, counts until it ends).
/// </summary>
internal static class IscLeaseParser
{
    public static LeaseReadResult Parse(TextReader reader)
    {
        var leases = new List<Lease>();
        var errors = new List<LineError>();
        int number = 0;
        Block? block = null;
        while (reader.ReadLine() is { } line)
        {
            number++;
            string text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (block is null)
            {
                if (text.StartsWith("lease ", StringComparison.Ordinal))
                {
                    string[] head = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (head.Length != 3 || head[2] != "{" || !IPAddress.TryParse(head[1], out IPAddress? ip))
                    {
                        errors.Add(new LineError(number, $"expected 'lease ADDRESS {{', found '{Shorten(text)}'"));
                        block = new Block(number, null); // skip to its closing brace
                    }
                    else
                    {
                        block = new Block(number, ip);
                    }
                }
                else if (text.EndsWith('{'))
                {
                    block = new Block(number, null); // host, class, failover blocks: not leases
                }

                // Top-level statements (authoring-byte-order, server-duid, …) are not leases.
                continue;
            }

            if (text == "}")
            {
                if (block.Address is { } address)
                {
                    Finish(block, address, leases, errors);
                }

                block = null;
                continue;
            }

            if (block.Address is not null)
            {
                Statement(block, text, number, errors);
            }
        }

        if (block is not null)
        {
            errors.Add(new LineError(block.Line, "the lease block is not closed (missing '}')"));
        }

        return LeaseFile.Latest(leases, errors);
    }

    private static void Statement(Block block, string text, int number, List<LineError> errors)
    {
        int comment = text.IndexOf("; #", StringComparison.Ordinal);
        if (comment > 0)
        {
            text = text[..(comment + 1)]; // "ends epoch 1795000000; # Thu Nov 19 …"
        }

        if (!text.EndsWith(';'))
        {
            errors.Add(new LineError(number, $"a statement must end with ';': '{Shorten(text)}'"));
            block.Invalid = true;
            return;
        }

        string body = text[..^1].Trim();
        if (body.StartsWith("hardware ethernet ", StringComparison.Ordinal))
        {
            string mac = body["hardware ethernet ".Length..].Trim();
            if (MacAddress.TryNormalise(mac, out string normal))
            {
                block.Mac = normal;
            }
            else
            {
                errors.Add(new LineError(number, $"'{mac}' is not a MAC address"));
                block.Invalid = true;
            }
        }
        else if (body.StartsWith("ends ", StringComparison.Ordinal))
        {
            if (!TryParseTime(body["ends ".Length..].Trim(), out DateTimeOffset? ends))
            {
                errors.Add(new LineError(number, $"'{Shorten(body)}' is not a time (W YYYY/MM/DD HH:MM:SS, epoch N, or never)"));
                block.Invalid = true;
            }
            else
            {
                block.Ends = ends;
            }
        }
        else if (body.StartsWith("binding state ", StringComparison.Ordinal))
        {
            block.State = body["binding state ".Length..].Trim();
        }
        else if (body.StartsWith("client-hostname ", StringComparison.Ordinal))
        {
            block.HostName = body["client-hostname ".Length..].Trim().Trim('"');
        }
    }

    private static void Finish(Block block, IPAddress address, List<Lease> leases, List<LineError> errors)
    {
        if (block.Invalid)
        {
            return;
        }

        if (block.State is not null && block.State != "active")
        {
            leases.RemoveAll(l => l.Address.Equals(address)); // freed, expired, released, abandoned
            return;
        }

        if (block.Mac is null)
        {
            errors.Add(new LineError(block.Line, $"the lease for {address} has no 'hardware ethernet'"));
            return;
        }

        leases.Add(new Lease(address, block.Mac, block.HostName, block.Ends));
    }

    internal static bool TryParseTime(string text, out DateTimeOffset? time)
    {
        time = null;
        if (text == "never")
        {
            return true;
        }

        if (text.StartsWith("epoch ", StringComparison.Ordinal))
        {
            string digits = text["epoch ".Length..].Split(' ', 2)[0];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long s))
            {
                time = DateTimeOffset.FromUnixTimeSeconds(s);
                return true;
            }

            return false;
        }

        // "4 2026/11/19 22:00:00": weekday, date, time, UTC.
        string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 3 && DateTime.TryParseExact($"{parts[1]} {parts[2]}", "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime utc))
        {
            time = new DateTimeOffset(utc, TimeSpan.Zero);
            return true;
        }

        return false;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    private sealed class Block(int line, IPAddress? address)
    {
        public int Line { get; } = line;
        public IPAddress? Address { get; } = address;
        public string? Mac { get; set; }
        public string? HostName { get; set; }
        public DateTimeOffset? Ends { get; set; }
        public string? State { get; set; }
        public bool Invalid { get; set; }
    }
}
