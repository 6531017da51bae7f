using System.Buffers.Binary;

namespace FilterProxy.Dns.Wire;

/// <summary>
/// Writes a response to a parsed query into a caller's buffer: header, the client's own question
/// (its exact bytes, so 0x20 case randomisation survives), answers pointing at the question name, OPT.
/// </summary>
internal ref struct DnsResponseWriter
{
    private const ushort QuestionNamePointer = 0xC00C;
    private readonly Span<byte> _buffer;
    private int _length;
    private ushort _answers;
    private ushort _additional;

    public DnsResponseWriter(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Header (QR, RD copied, RA) and the question. <paramref name="question"/> may be empty (FORMERR without a readable question).</summary>
    public bool Begin(ushort id, ushort queryFlags, int rcode, scoped ReadOnlySpan<byte> question, bool authoritative = false)
    {
        if (_buffer.Length < DnsLimits.HeaderSize + question.Length)
        {
            return false;
        }

        ushort flags = (ushort)(0x8000 | (queryFlags & 0x7900) | 0x0080 | (rcode & 0xF));
        if (authoritative)
        {
            flags |= 0x0400;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer, id);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[4..], (ushort)(question.IsEmpty ? 0 : 1));
        _buffer[6..12].Clear();
        question.CopyTo(_buffer[DnsLimits.HeaderSize..]);
        _length = DnsLimits.HeaderSize + question.Length;
        return true;
    }

    /// <summary>An A (4 bytes) or AAAA (16 bytes) record for the question name.</summary>
    public bool AddAddress(ushort type, scoped ReadOnlySpan<byte> address, uint ttl)
    {
        if (!WriteRecordHeader(type, ttl, address.Length))
        {
            return false;
        }

        address.CopyTo(_buffer[_length..]);
        _length += address.Length;
        _answers++;
        return true;
    }

    /// <summary>A CNAME from the question name to <paramref name="target"/>.</summary>
    public bool AddCname(scoped ReadOnlySpan<char> target, uint ttl)
    {
        Span<byte> name = stackalloc byte[DnsLimits.MaxNameLength + 1];
        int nameLength = DnsName.Write(target, name);
        if (nameLength < 0 || !WriteRecordHeader(DnsType.CNAME, ttl, nameLength))
        {
            return false;
        }

        name[..nameLength].CopyTo(_buffer[_length..]);
        _length += nameLength;
        _answers++;
        return true;
    }

    /// <summary>A record with an explicit (uncompressed) owner name; returns the TTL field's offset, or -1.</summary>
    public int AddRecord(scoped ReadOnlySpan<char> owner, ushort type, uint ttl, scoped ReadOnlySpan<byte> data)
    {
        Span<byte> name = stackalloc byte[DnsLimits.MaxNameLength + 1];
        int nameLength = DnsName.Write(owner, name);
        if (nameLength < 0 || _length + nameLength + 10 + data.Length > _buffer.Length)
        {
            return -1;
        }

        Span<byte> rr = _buffer[_length..];
        name[..nameLength].CopyTo(rr);
        rr = rr[nameLength..];
        BinaryPrimitives.WriteUInt16BigEndian(rr, type);
        BinaryPrimitives.WriteUInt16BigEndian(rr[2..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(rr[4..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(rr[8..], (ushort)data.Length);
        data.CopyTo(rr[10..]);
        int ttlOffset = _length + nameLength + 4;
        _length += nameLength + 10 + data.Length;
        _answers++;
        return ttlOffset;
    }

    /// <summary>The offset the next record will be written at.</summary>
    public readonly int Position => _length;

    /// <summary>Appends answer records copied from elsewhere (already in wire form, names uncompressed or pointing at offset 12).</summary>
    public bool AddAnswers(scoped ReadOnlySpan<byte> records, int count)
    {
        if (_length + records.Length > _buffer.Length)
        {
            return false;
        }

        records.CopyTo(_buffer[_length..]);
        _length += records.Length;
        _answers += (ushort)count;
        return true;
    }

    /// <summary>Our OPT record: UDP size 1232, no options (RFC 6891).</summary>
    public bool AddOpt()
    {
        if (_length + DnsOpt.Size > _buffer.Length)
        {
            return false;
        }

        DnsOpt.Write(_buffer[_length..]);
        _length += DnsOpt.Size;
        _additional++;
        return true;
    }

    public int Finish()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[6..], _answers);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[10..], _additional);
        return _length;
    }

    private bool WriteRecordHeader(ushort type, uint ttl, int rdLength)
    {
        if (_length + 12 + rdLength > _buffer.Length)
        {
            return false;
        }

        Span<byte> rr = _buffer[_length..];
        BinaryPrimitives.WriteUInt16BigEndian(rr, QuestionNamePointer);
        BinaryPrimitives.WriteUInt16BigEndian(rr[2..], type);
        BinaryPrimitives.WriteUInt16BigEndian(rr[4..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(rr[6..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(rr[10..], (ushort)rdLength);
        _length += 12;
        return true;
    }
}
