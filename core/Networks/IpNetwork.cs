using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace FilterProxy.Core.Networks;

/// <summary>
/// A CIDR block held in IPv6 space (IPv4 as ::ffff:a.b.c.d), so one table serves both families.
/// </summary>
public readonly record struct IpNetwork(UInt128 First, UInt128 Last, int PrefixLength, string Text)
{
    private static readonly UInt128 s_v4Mapped = (UInt128)0xFFFF << 32;

    public bool Contains(UInt128 address) => address >= First && address <= Last;

    public override string ToString() => Text;

    /// <summary>Parses "10.0.0.0/8", "192.168.1.20" (a /32), "fd00::/8" or "::1". Host bits must be zero.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IpNetwork? network, out string? error)
    {
        network = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty network";
            return false;
        }

        string s = text.Trim();
        int slash = s.IndexOf('/', StringComparison.Ordinal);
        string addressText = slash < 0 ? s : s[..slash];
        if (!IPAddress.TryParse(addressText, out IPAddress? address))
        {
            error = $"'{s}' is not an IP address or CIDR block";
            return false;
        }

        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0 && (!int.TryParse(s.AsSpan(slash + 1), out prefix) || prefix < 0 || prefix > max))
        {
            error = $"'{s}' has a prefix length outside 0–{max}";
            return false;
        }

        UInt128 value = ToUInt128(address);
        int bits = v4 ? prefix + 96 : prefix;
        UInt128 hostMask = bits == 128 ? UInt128.Zero : UInt128.MaxValue >> bits;
        if ((value & hostMask) != UInt128.Zero)
        {
            UInt128 suggestion = value & ~hostMask;
            error = $"'{s}' has host bits set; did you mean {FromUInt128(suggestion, v4)}/{prefix}?";
            return false;
        }

        network = new IpNetwork(value, value | hostMask, bits, s);
        error = null;
        return true;
    }

    /// <summary>An address as a 128-bit number, IPv4 mapped into ::ffff:0:0/96. Does not allocate.</summary>
    public static UInt128 ToUInt128(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return s_v4Mapped | BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static string FromUInt128(UInt128 value, bool v4)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return (v4 ? new IPAddress(bytes[12..]) : new IPAddress(bytes)).ToString();
    }
}
