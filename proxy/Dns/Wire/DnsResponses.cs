using System.Buffers.Binary;
using System.Net;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Dns.Wire;

/// <summary>The answers FilterProxy composes itself: errors, blocks, local names, and upstream answers fitted to a client.</summary>
internal static class DnsResponses
{
    private static readonly byte[] s_zero4 = new byte[4];
    private static readonly byte[] s_zero16 = new byte[16];

    /// <summary>An error (FORMERR, NOTIMP, REFUSED, SERVFAIL); the question is echoed when it was readable.</summary>
    public static int Error(in DnsQuery q, ReadOnlySpan<byte> packet, int rcode, bool questionReadable, Span<byte> response)
    {
        var w = new DnsResponseWriter(response);
        w.Begin(q.Id, q.Flags, rcode, questionReadable ? packet[DnsLimits.HeaderSize..q.QuestionEnd] : default);
        if (questionReadable && q.HasEdns)
        {
            w.AddOpt();
        }

        return w.Finish();
    }

    /// <summary>The answer for a blocked name, as configured: NXDOMAIN, 0.0.0.0/::, or the block page's address.</summary>
    public static int Blocked(in DnsQuery q, ReadOnlySpan<byte> packet, DnsSettings settings, Span<byte> response)
    {
        var w = new DnsResponseWriter(response);
        ReadOnlySpan<byte> question = packet[DnsLimits.HeaderSize..q.QuestionEnd];
        uint ttl = (uint)settings.BlockTtl;
        if (settings.BlockResponse == DnsBlockResponse.NxDomain)
        {
            w.Begin(q.Id, q.Flags, DnsRcode.NxDomain, question);
        }
        else
        {
            w.Begin(q.Id, q.Flags, DnsRcode.NoError, question);
            IPAddress? address = q.QType switch
            {
                DnsType.A => settings.BlockResponse == DnsBlockResponse.BlockPage ? settings.BlockPageAddress : null,
                DnsType.AAAA => settings.BlockResponse == DnsBlockResponse.BlockPage ? settings.BlockPageAddressV6 : null,
                _ => null,
            };
            if (address is not null)
            {
                Span<byte> bytes = stackalloc byte[16];
                address.TryWriteBytes(bytes, out int n);
                w.AddAddress(q.QType, bytes[..n], ttl);
            }
            else if (settings.BlockResponse == DnsBlockResponse.Null && q.QType is DnsType.A or DnsType.AAAA)
            {
                w.AddAddress(q.QType, q.QType == DnsType.A ? s_zero4 : s_zero16, ttl);
            }

            // Every other type (HTTPS/SVCB included): NODATA, so no record can route around the block.
        }

        if (q.HasEdns)
        {
            w.AddOpt();
        }

        return w.Finish();
    }

    /// <summary>NXDOMAIN (the DoH canary) or NODATA (e.g. HTTPS records for a safe-search name).</summary>
    public static int Empty(in DnsQuery q, ReadOnlySpan<byte> packet, int rcode, Span<byte> response)
    {
        var w = new DnsResponseWriter(response);
        w.Begin(q.Id, q.Flags, rcode, packet[DnsLimits.HeaderSize..q.QuestionEnd]);
        if (q.HasEdns)
        {
            w.AddOpt();
        }

        return w.Finish();
    }

    /// <summary>Addresses configured for a local name (authoritative; NODATA for other types).</summary>
    public static int Local(in DnsQuery q, ReadOnlySpan<byte> packet, IReadOnlyList<IPAddress> addresses, Span<byte> response)
    {
        var w = new DnsResponseWriter(response);
        w.Begin(q.Id, q.Flags, DnsRcode.NoError, packet[DnsLimits.HeaderSize..q.QuestionEnd], authoritative: true);
        Span<byte> bytes = stackalloc byte[16];
        foreach (IPAddress address in addresses)
        {
            ushort type = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? DnsType.A : DnsType.AAAA;
            if (type == q.QType && address.TryWriteBytes(bytes, out int n))
            {
                w.AddAddress(type, bytes[..n], 300);
            }
        }

        if (q.HasEdns)
        {
            w.AddOpt();
        }

        return w.Finish();
    }

    /// <summary>
    /// Fits a message (already in <paramref name="response"/>, no OPT) to the client: its ID, our OPT if it
    /// used EDNS, and TC with an empty answer if it is larger than the client can take over UDP.
    /// </summary>
    public static int Finish(in DnsQuery q, ReadOnlySpan<byte> packet, Span<byte> response, int length, int maxLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(response, q.Id);
        int size = length + (q.HasEdns ? DnsOpt.Size : 0);
        if (size > maxLength)
        {
            var w = new DnsResponseWriter(response);
            ushort flags = BinaryPrimitives.ReadUInt16BigEndian(response[2..]);
            w.Begin(q.Id, q.Flags, flags & 0xF, packet[DnsLimits.HeaderSize..q.QuestionEnd]);
            if (q.HasEdns)
            {
                w.AddOpt();
            }

            int truncated = w.Finish();
            response[2] |= 0x02; // TC: ask again over TCP
            return truncated;
        }

        if (q.HasEdns)
        {
            DnsOpt.Write(response[length..]);
            ushort ar = BinaryPrimitives.ReadUInt16BigEndian(response[10..]);
            BinaryPrimitives.WriteUInt16BigEndian(response[10..], (ushort)(ar + 1));
        }

        return size;
    }
}
