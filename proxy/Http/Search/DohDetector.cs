using System.Buffers.Binary;
using System.Buffers.Text;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Http.Search;

/// <summary>
/// DNS-over-HTTPS to any host: a resolver that no list knows yet is still a way around the school's DNS filtering.
/// Recognised by the request — the RFC 8484 and JSON media types in Content-Type or Accept, a <c>dns=</c> parameter that
/// decodes to a DNS query, or a small POST body that is one — and by the response (<see cref="IsDnsResponseType"/>),
/// whatever the request claimed to be. The DNS check is strict (one question, nothing else but an OPT record, the
/// message ends where its records end), so ordinary parameters and uploads are not mistaken for it.
/// </summary>
internal static class DohDetector
{
    /// <summary>The largest POST body read to see whether it is a DNS query (RFC 8484 queries are well under this).</summary>
    public const int MaxQueryBody = 4096;

    public static bool IsDnsOverHttps(HttpRequest request) =>
        Mentions(request.ContentType) || Mentions(request.Headers.Accept.ToString()) || HasDnsParameter(request.QueryString.Value);

    /// <summary>A response that carries DNS answers (application/dns-message or application/dns-json).</summary>
    public static bool IsDnsResponseType(string? mediaType) => Mentions(mediaType);

    /// <summary>Whether a POST body of this request may be a DNS query worth reading (small, and not a form, JSON or text).</summary>
    public static bool MayCarryQuery(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || request.ContentLength is not (>= 17 and <= MaxQueryBody))
        {
            return false;
        }

        string? type = request.ContentType;
        return type is null || !(type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.Contains("form", StringComparison.OrdinalIgnoreCase) || type.Contains("json", StringComparison.OrdinalIgnoreCase)
            || type.Contains("xml", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A query string with a <c>dns=</c> parameter whose value is a base64url DNS query.</summary>
    public static bool HasDnsParameter(string? query)
    {
        if (query is null || !query.Contains("dns=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (string part in query.TrimStart('?').Split('&'))
        {
            if (!part.StartsWith("dns=", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string value = Uri.UnescapeDataString(part[4..]);
            if (value.Length is < 22 or > MaxQueryBody * 2)
            {
                continue;
            }

            byte[] bytes = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
            if (Base64Url.TryDecodeFromChars(value.TrimEnd('='), bytes, out int written) && IsDnsQuery(bytes.AsSpan(0, written)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A whole standard DNS query message: one question, no answers or authority, at most one (OPT) additional record.</summary>
    public static bool IsDnsQuery(ReadOnlySpan<byte> message)
    {
        if (message.Length < 17)
        {
            return false;
        }

        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        int qd = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        if ((flags & 0xF800) != 0 || qd != 1 || an != 0 || ns != 0 || ar > 1)
        {
            return false; // a response, another opcode, or not the shape of a query
        }

        int offset = DnsLimits.HeaderSize;
        Span<char> name = stackalloc char[DnsLimits.MaxNameChars];
        if (!DnsName.TryRead(message, ref offset, name, out _, out _) || offset + 4 > message.Length)
        {
            return false;
        }

        ushort qclass = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        if (qclass is not (1 or 3 or 255))
        {
            return false; // IN, CH or ANY
        }

        offset += 4;
        if (ar == 1)
        {
            if (!DnsName.TrySkip(message, ref offset) || offset + 10 > message.Length
                || BinaryPrimitives.ReadUInt16BigEndian(message[offset..]) != DnsType.OPT)
            {
                return false;
            }

            offset += 10 + BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        }

        return offset == message.Length;
    }

    private static bool Mentions(string? value) =>
        value is not null && (value.Contains("application/dns-message", StringComparison.OrdinalIgnoreCase) || value.Contains("application/dns-json", StringComparison.OrdinalIgnoreCase));
}
