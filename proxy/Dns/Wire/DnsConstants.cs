namespace FilterProxy.Dns.Wire;

/// <summary>Record types FilterProxy interprets; every other type passes through opaque.</summary>
internal static class DnsType
{
    public const ushort A = 1;
    public const ushort NS = 2;
    public const ushort CNAME = 5;
    public const ushort SOA = 6;
    public const ushort PTR = 12;
    public const ushort MX = 15;
    public const ushort TXT = 16;
    public const ushort AAAA = 28;
    public const ushort SRV = 33;
    public const ushort DNAME = 39;
    public const ushort OPT = 41;
    public const ushort SVCB = 64;
    public const ushort HTTPS = 65;
    public const ushort ANY = 255;

    public static string Name(ushort type) => type switch
    {
        A => "A", NS => "NS", CNAME => "CNAME", SOA => "SOA", PTR => "PTR", MX => "MX", TXT => "TXT", AAAA => "AAAA",
        SRV => "SRV", DNAME => "DNAME", OPT => "OPT", SVCB => "SVCB", HTTPS => "HTTPS", ANY => "ANY",
        _ => "TYPE" + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

internal static class DnsRcode
{
    public const int NoError = 0;
    public const int FormErr = 1;
    public const int ServFail = 2;
    public const int NxDomain = 3;
    public const int NotImp = 4;
    public const int Refused = 5;

    public static string Name(int rcode) => rcode switch
    {
        NoError => "NOERROR", FormErr => "FORMERR", ServFail => "SERVFAIL", NxDomain => "NXDOMAIN",
        NotImp => "NOTIMP", Refused => "REFUSED", _ => "RCODE" + rcode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

internal static class DnsLimits
{
    public const int HeaderSize = 12;
    /// <summary>Without EDNS a UDP answer is at most 512 bytes (RFC 1035).</summary>
    public const int ClassicUdpSize = 512;
    /// <summary>The EDNS UDP size we advertise and honour at most (DNS flag day 2020: avoids fragmentation).</summary>
    public const int EdnsUdpSize = 1232;
    public const int MaxMessageSize = 65535;
    public const int MaxNameLength = 255;
    public const int MaxLabelLength = 63;
    /// <summary>Chars of a presentation-form name: 255 wire bytes always fit.</summary>
    public const int MaxNameChars = 256;
}
