namespace FilterProxy.Dns.Wire;

public enum DnsParseStatus : byte
{
    Ok,
    /// <summary>Not worth an answer (shorter than a header, or a response rather than a query).</summary>
    Drop,
    /// <summary>Malformed: answer FORMERR.</summary>
    FormErr,
    /// <summary>Valid but an operation we do not implement (opcode other than QUERY, several questions): NOTIMP.</summary>
    NotImp,
}

/// <summary>What a query asks, parsed from the wire without allocating. The name is written to a caller's span.</summary>
internal struct DnsQuery
{
    public ushort Id;
    public ushort Flags;
    public ushort QType;
    public ushort QClass;
    /// <summary>Offset just after the question section (the question is bytes 12..QuestionEnd).</summary>
    public int QuestionEnd;
    /// <summary>Chars of the name written to the caller's span (no trailing dot; the root is empty).</summary>
    public int NameLength;
    /// <summary>The name has bytes no host name can have ('.', spaces, non-ASCII): policy treats it as unreadable.</summary>
    public bool NameIsUnusual;
    public bool HasEdns;
    public ushort EdnsUdpSize;
    public bool DnssecOk;

    public readonly bool RecursionDesired => (Flags & 0x0100) != 0;

    public readonly int Opcode => (Flags >> 11) & 0xF;

    /// <summary>The largest UDP answer this client accepts.</summary>
    public readonly int MaxUdpResponse => HasEdns ? Math.Clamp((int)EdnsUdpSize, DnsLimits.ClassicUdpSize, DnsLimits.EdnsUdpSize) : DnsLimits.ClassicUdpSize;
}
