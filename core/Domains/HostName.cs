using System.Globalization;
using System.Net;

namespace FilterProxy.Core.Domains;

/// <summary>Host-name normalisation shared by the evaluator and the list importers.</summary>
public static class HostName
{
    public const int MaxLength = 253;
    private static readonly IdnMapping s_idn = new() { AllowUnassigned = true, UseStd3AsciiRules = false };
    private static readonly char[] s_brackets = ['[', ']'];

    /// <summary>The host without IPv6 brackets ("[::1]" → "::1"); the same string, unallocated, when it has none
    /// (<c>Trim('[', ']')</c> allocates its argument array on every call).</summary>
    public static string WithoutBrackets(string host) => host.Trim(s_brackets);

    /// <summary>
    /// Prepares a host for lookup without allocating in the common case (ASCII): trims whitespace,
    /// trailing dots and IPv6 brackets. Case is folded by the lookups themselves. Non-ASCII (IDN) names
    /// are converted to punycode, which allocates. Returns false for an empty or unconvertible name.
    /// </summary>
    public static bool TryPrepare(ReadOnlySpan<char> raw, out ReadOnlySpan<char> host, out bool isIpLiteral)
    {
        host = raw.Trim();
        isIpLiteral = false;
        if (host.Length > 1 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
            isIpLiteral = true;
            return host.Length > 0;
        }

        host = host.TrimEnd('.');
        if (host.IsEmpty || host.Length > 1024)
        {
            return false;
        }

        bool ascii = true;
        foreach (char c in host)
        {
            if (c > 0x7F)
            {
                ascii = false;
                break;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':'))
            {
                return false; // spaces, '!', '/', '@'…: not a host name; the caller blocks it (fail closed)
            }
        }

        if (!ascii)
        {
            string? puny = ToPunycode(host);
            if (puny is null)
            {
                return false;
            }

            host = puny;
            return true;
        }

        if (host.Contains(':'))
        {
            isIpLiteral = IPAddress.TryParse(host, out _);
            return isIpLiteral;
        }

        // A numeric last label is never a DNS name: it is an address, perhaps written to dodge the
        // filter ("2130706433", "127.1", "0x7f.0.0.1"). Canonicalise it, or refuse it.
        int lastDot = host.LastIndexOf('.');
        ReadOnlySpan<char> last = host[(lastDot + 1)..];
        if (last.Length > 0 && (last.IndexOfAnyExcept("0123456789") < 0 || last.StartsWith("0x", StringComparison.OrdinalIgnoreCase)))
        {
            if (!IPAddress.TryParse(host, out IPAddress? address))
            {
                return false;
            }

            isIpLiteral = true;
            if (!IsCanonicalDottedQuad(host))
            {
                host = address.ToString(); // allocates: only for unusual address forms
            }
        }

        return true;
    }

    /// <summary>Converts a Unicode host to its ASCII (punycode) form, lower-cased; null if invalid.</summary>
    public static string? ToPunycode(ReadOnlySpan<char> host)
    {
        try
        {
            return s_idn.GetAscii(host.ToString().ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Normalises a list or rule entry to lower-case ASCII; returns null with a reason if invalid.</summary>
    public static string? NormalizeEntry(ReadOnlySpan<char> raw, out string? error)
    {
        Span<byte> buffer = stackalloc byte[MaxLength + 2];
        var result = NormalizeEntry(raw, buffer, out int length, out error);
        return result ? System.Text.Encoding.ASCII.GetString(buffer[..length]) : null;
    }

    /// <summary>
    /// Normalises a domain entry (from a list or a rule) into lower-case ASCII bytes: strips a leading
    /// "*." or ".", trailing dots, converts IDN to punycode, and checks label syntax.
    /// </summary>
    public static bool NormalizeEntry(ReadOnlySpan<char> raw, Span<byte> destination, out int length, out string? error)
    {
        length = 0;
        ReadOnlySpan<char> s = raw.Trim();
        if (s.StartsWith("*."))
        {
            s = s[2..];
        }
        else if (s.StartsWith('.'))
        {
            s = s[1..];
        }

        s = s.TrimEnd('.');
        if (s.IsEmpty)
        {
            error = "empty name";
            return false;
        }

        foreach (char c in s)
        {
            if (c > 0x7F)
            {
                string? puny = ToPunycode(s);
                if (puny is null)
                {
                    error = "not a valid international domain name";
                    return false;
                }

                return NormalizeAscii(puny, destination, out length, out error);
            }
        }

        return NormalizeAscii(s, destination, out length, out error);
    }

    private static bool NormalizeAscii(ReadOnlySpan<char> s, Span<byte> destination, out int length, out string? error)
    {
        length = 0;
        if (s.Length > MaxLength || s.Length > destination.Length)
        {
            error = "name longer than 253 characters";
            return false;
        }

        if (IsDottedQuad(s) || s.Contains(':'))
        {
            if (!IPAddress.TryParse(s, out IPAddress? ip))
            {
                error = "not a valid IP address";
                return false;
            }

            string canonical = ip.ToString();
            for (int i = 0; i < canonical.Length; i++)
            {
                destination[i] = (byte)char.ToLowerInvariant(canonical[i]);
            }

            length = canonical.Length;
            error = null;
            return true;
        }

        int labelLength = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    error = "empty label ('..')";
                    return false;
                }

                labelLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')
            {
                if (++labelLength > 63)
                {
                    error = "label longer than 63 characters";
                    return false;
                }
            }
            else
            {
                error = $"invalid character '{c}'";
                return false;
            }

            destination[i] = (byte)DomainHash.Fold(c);
        }

        length = s.Length;
        error = null;
        return true;
    }

    /// <summary>True for four dot-separated decimal parts (so "1.2.3.4" is an address, "1.2.3.4.example" is not).</summary>
    public static bool IsDottedQuad(ReadOnlySpan<char> s)
    {
        int dots = 0;
        foreach (char c in s)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return dots == 3;
    }

    private static bool IsCanonicalDottedQuad(ReadOnlySpan<char> s)
    {
        if (!IsDottedQuad(s))
        {
            return false;
        }

        foreach (Range r in s.Split('.'))
        {
            ReadOnlySpan<char> part = s[r];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Strips a leading "www." or "wwwN." label, as URL lists (squidGuard/UT1, IWF) are written without it.</summary>
    public static ReadOnlySpan<char> StripWww(ReadOnlySpan<char> host)
    {
        if (host.Length > 4 && (host[0] | 0x20) == 'w' && (host[1] | 0x20) == 'w' && (host[2] | 0x20) == 'w')
        {
            int i = 3;
            while (i < host.Length && char.IsAsciiDigit(host[i]))
            {
                i++;
            }

            if (i < host.Length - 1 && host[i] == '.')
            {
                return host[(i + 1)..];
            }
        }

        return host;
    }

    /// <summary>Counts labels: "a.b.c" → 3.</summary>
    public static int LabelCount(ReadOnlySpan<char> host) => host.Count('.') + 1;
}
