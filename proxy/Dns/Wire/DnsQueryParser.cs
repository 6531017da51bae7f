using System.Buffers.Binary;

namespace FilterProxy.Dns.Wire;

/// <summary>
/// Parses a DNS query (RFC 1035 §4.1, EDNS(0) per RFC 6891) from a span. Never throws on input: every
/// truncation and malformation maps to a <see cref="DnsParseStatus"/>.
/// </summary>
internal static class DnsQueryParser
{
    public static DnsParseStatus Parse(ReadOnlySpan<byte> packet, Span<char> name, out DnsQuery query)
    {
        query = default;
        if (packet.Length < DnsLimits.HeaderSize)
        {
            return DnsParseStatus.Drop;
        }

        query.Id = BinaryPrimitives.ReadUInt16BigEndian(packet);
        query.Flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((query.Flags & 0x8000) != 0)
        {
            return DnsParseStatus.Drop; // a response sent to us: never answer it (reflection loops)
        }

        if (query.Opcode != 0)
        {
            return DnsParseStatus.NotImp;
        }

        int qd = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
        if (qd == 0)
        {
            return DnsParseStatus.FormErr;
        }

        if (qd > 1)
        {
            return DnsParseStatus.NotImp;
        }

        int offset = DnsLimits.HeaderSize;
        if (!DnsName.TryRead(packet, ref offset, name, out int nameLength, out bool unusual) || offset + 4 > packet.Length)
        {
            return DnsParseStatus.FormErr;
        }

        query.NameLength = nameLength;
        query.NameIsUnusual = unusual;
        query.QType = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        query.QClass = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
        offset += 4;
        query.QuestionEnd = offset;

        // Answer and authority records in a query are unusual but legal: skip them. Find OPT in additional.
        for (int i = 0; i < an + ns + ar; i++)
        {
            if (!DnsName.TrySkip(packet, ref offset) || offset + 10 > packet.Length)
            {
                return DnsParseStatus.FormErr;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            ushort @class = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            uint ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
            int rdLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 8)..]);
            offset += 10;
            if (offset + rdLength > packet.Length)
            {
                return DnsParseStatus.FormErr;
            }

            if (type == DnsType.OPT && i >= an + ns)
            {
                if (query.HasEdns)
                {
                    return DnsParseStatus.FormErr; // RFC 6891 §6.1.1: more than one OPT
                }

                query.HasEdns = true;
                query.EdnsUdpSize = @class;
                query.DnssecOk = (ttl & 0x8000) != 0;
            }

            offset += rdLength;
        }

        return DnsParseStatus.Ok;
    }
}
