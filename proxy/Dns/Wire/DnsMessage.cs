using System.Buffers.Binary;

namespace FilterProxy.Dns.Wire;

/// <summary>
/// Reads a whole response (from an upstream) for what FilterProxy needs: the question, the rcode, TTL
/// positions and values (for the cache), the SOA minimum (negative caching), the OPT record (stripped
/// before caching) and CNAME targets (checked against policy). Allocates; used on the miss path only.
/// </summary>
internal sealed class DnsMessage
{
    private DnsMessage()
    {
    }

    public ushort Id { get; private init; }
    public ushort Flags { get; private init; }
    public int Rcode => Flags & 0xF;
    public bool Truncated => (Flags & 0x0200) != 0;
    public string QuestionName { get; private init; } = "";
    public ushort QType { get; private init; }
    public ushort QClass { get; private init; }
    public int QuestionEnd { get; private init; }
    public int AnswerCount { get; private init; }
    /// <summary>Offsets of every TTL field except OPT's.</summary>
    public int[] TtlOffsets { get; private init; } = [];
    /// <summary>The smallest TTL among answer and authority records, or null when there are none.</summary>
    public uint? MinTtl { get; private init; }
    /// <summary>min(SOA TTL, SOA MINIMUM) from the authority section, for negative caching (RFC 2308 §5).</summary>
    public uint? SoaNegativeTtl { get; private init; }
    /// <summary>The OPT record's bytes (offset, length), or (-1, 0).</summary>
    public (int Offset, int Length) Opt { get; private init; } = (-1, 0);
    /// <summary>Targets of CNAME and DNAME records in the answer section (lower case).</summary>
    public IReadOnlyList<string> AliasTargets { get; private init; } = [];
    /// <summary>Where the answer section starts and ends.</summary>
    public (int Start, int End) AnswerSection { get; private init; }

    public static DnsMessage? TryParse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < DnsLimits.HeaderSize)
        {
            return null;
        }

        int qd = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
        if (qd != 1)
        {
            return null;
        }

        int offset = DnsLimits.HeaderSize;
        string? qname = DnsName.ReadString(packet, ref offset);
        if (qname is null || offset + 4 > packet.Length)
        {
            return null;
        }

        ushort qtype = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        ushort qclass = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
        offset += 4;
        int questionEnd = offset;
        var ttls = new List<int>();
        var aliases = new List<string>();
        uint? minTtl = null;
        uint? soaNegative = null;
        (int, int) opt = (-1, 0);
        int answerEnd = offset;
        for (int i = 0; i < an + ns + ar; i++)
        {
            int start = offset;
            if (!DnsName.TrySkip(packet, ref offset) || offset + 10 > packet.Length)
            {
                return null;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            uint ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
            int rdLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 8)..]);
            int ttlOffset = offset + 4;
            offset += 10;
            int rdStart = offset;
            if (offset + rdLength > packet.Length)
            {
                return null;
            }

            offset += rdLength;
            if (type == DnsType.OPT)
            {
                opt = (start, offset - start);
                continue;
            }

            ttls.Add(ttlOffset);
            if (i < an + ns)
            {
                minTtl = minTtl is null ? ttl : Math.Min(minTtl.Value, ttl);
            }

            if (i < an)
            {
                answerEnd = offset;
                if (type is DnsType.CNAME or DnsType.DNAME)
                {
                    int nameOffset = rdStart;
                    if (DnsName.ReadString(packet, ref nameOffset) is { } target)
                    {
                        aliases.Add(target);
                    }
                }
            }
            else if (i < an + ns && type == DnsType.SOA)
            {
                int p = rdStart;
                if (DnsName.TrySkip(packet, ref p) && DnsName.TrySkip(packet, ref p) && p + 20 <= offset)
                {
                    uint minimum = BinaryPrimitives.ReadUInt32BigEndian(packet[(p + 16)..]);
                    soaNegative = Math.Min(ttl, minimum);
                }
            }
        }

        return new DnsMessage
        {
            Id = BinaryPrimitives.ReadUInt16BigEndian(packet),
            Flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            QuestionName = qname,
            QType = qtype,
            QClass = qclass,
            QuestionEnd = questionEnd,
            AnswerCount = an,
            TtlOffsets = [.. ttls],
            MinTtl = minTtl,
            SoaNegativeTtl = soaNegative,
            Opt = opt,
            AliasTargets = aliases,
            AnswerSection = (questionEnd, answerEnd),
        };
    }

    /// <summary>The answer section's records: type, TTL and raw RDATA (names inside RDATA stay as sent).</summary>
    public List<(ushort Type, uint Ttl, byte[] Data)> Answers(ReadOnlySpan<byte> packet)
    {
        var result = new List<(ushort, uint, byte[])>();
        int offset = QuestionEnd;
        for (int i = 0; i < AnswerCount; i++)
        {
            if (!DnsName.TrySkip(packet, ref offset) || offset + 10 > packet.Length)
            {
                break;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            uint ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
            int rdLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 8)..]);
            offset += 10;
            result.Add((type, ttl, packet.Slice(offset, rdLength).ToArray()));
            offset += rdLength;
        }

        return result;
    }

    /// <summary>
    /// The message without its OPT record (ARCOUNT adjusted) and with ID 0: the form kept in the cache,
    /// to which each client's own ID and OPT are applied.
    /// </summary>
    public byte[] WithoutOpt(ReadOnlySpan<byte> packet, out int[] ttlOffsets)
    {
        ttlOffsets = TtlOffsets;
        byte[] result;
        if (Opt.Offset < 0)
        {
            result = packet.ToArray();
        }
        else
        {
            result = new byte[packet.Length - Opt.Length];
            packet[..Opt.Offset].CopyTo(result);
            packet[(Opt.Offset + Opt.Length)..].CopyTo(result.AsSpan(Opt.Offset));
            ushort ar = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(10), (ushort)(ar - 1));
            int cut = Opt.Offset;
            int length = Opt.Length;
            ttlOffsets = [.. TtlOffsets.Select(o => o > cut ? o - length : o)];
        }

        BinaryPrimitives.WriteUInt16BigEndian(result, 0);
        return result;
    }
}
