using System.Buffers.Binary;

namespace FilterProxy.Dns.Wire;

/// <summary>Our EDNS(0) OPT record (RFC 6891): root owner, UDP size 1232, optional DO bit, no options.</summary>
internal static class DnsOpt
{
    public const int Size = 11;

    public static void Write(Span<byte> destination, bool dnssecOk = false)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], DnsType.OPT);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], DnsLimits.EdnsUdpSize);
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], dnssecOk ? 0x8000u : 0u);
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], 0);
    }
}
