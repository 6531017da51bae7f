using System.Buffers;
using System.Text;

namespace FilterProxy.Http.Tunnels;

internal enum ClientHelloStatus : byte
{
    /// <summary>Not enough bytes yet: read more and parse again (nothing was consumed).</summary>
    NeedMoreData,
    /// <summary>A complete ClientHello.</summary>
    Ok,
    /// <summary>The first byte is not a TLS handshake record: the client is not speaking TLS.</summary>
    NotTls,
    /// <summary>TLS, but the ClientHello is malformed or too large.</summary>
    Invalid,
}

/// <summary>
/// Reads the TLS ClientHello at the start of a connection without consuming it (Kestrel's TlsListener does
/// the same): the server name (SNI) and the offered application protocols (ALPN) are all the proxy needs to
/// decide splice, intercept or block. Handles a ClientHello split over several records (large post-quantum
/// key shares), up to <see cref="MaxLength"/>.
/// </summary>
internal static class ClientHello
{
    public const int MaxLength = 64 * 1024;
    private const byte HandshakeRecord = 0x16;
    private const byte ClientHelloType = 0x01;

    public static ClientHelloStatus TryParse(ReadOnlySequence<byte> data, out string? serverName, out string[] alpn)
    {
        serverName = null;
        alpn = [];
        if (data.IsEmpty)
        {
            return ClientHelloStatus.NeedMoreData;
        }

        if (data.FirstSpan[0] != HandshakeRecord)
        {
            return ClientHelloStatus.NotTls;
        }

        // Reassemble handshake fragments from consecutive records until the ClientHello is complete.
        byte[] rented = ArrayPool<byte>.Shared.Rent(MaxLength);
        try
        {
            int have = 0;
            int needed = -1;
            var reader = new SequenceReader<byte>(data);
            while (needed < 0 || have < needed)
            {
                if (reader.Remaining < 5)
                {
                    return data.Length >= MaxLength ? ClientHelloStatus.Invalid : ClientHelloStatus.NeedMoreData;
                }

                reader.TryRead(out byte type);
                reader.TryRead(out byte major);
                reader.Advance(1);
                reader.TryReadBigEndian(out short lengthRaw);
                int length = (ushort)lengthRaw;
                if (type != HandshakeRecord || major != 3 || length is 0 or > 16384 + 2048)
                {
                    return ClientHelloStatus.Invalid;
                }

                if (reader.Remaining < length)
                {
                    return ClientHelloStatus.NeedMoreData;
                }

                if (have + length > MaxLength)
                {
                    return ClientHelloStatus.Invalid;
                }

                reader.UnreadSequence.Slice(0, length).CopyTo(rented.AsSpan(have));
                reader.Advance(length);
                have += length;
                if (needed < 0 && have >= 4)
                {
                    if (rented[0] != ClientHelloType)
                    {
                        return ClientHelloStatus.Invalid;
                    }

                    needed = 4 + ((rented[1] << 16) | (rented[2] << 8) | rented[3]);
                    if (needed > MaxLength)
                    {
                        return ClientHelloStatus.Invalid;
                    }
                }
            }

            return ParseBody(rented.AsSpan(4, needed - 4), out serverName, out alpn) ? ClientHelloStatus.Ok : ClientHelloStatus.Invalid;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool ParseBody(ReadOnlySpan<byte> body, out string? serverName, out string[] alpn)
    {
        serverName = null;
        alpn = [];
        int p = 2 + 32; // client_version, random
        if (!Skip8(body, ref p) || !Skip16(body, ref p) || !Skip8(body, ref p))
        {
            return false;
        }

        if (p == body.Length)
        {
            return true; // no extensions (old clients): no SNI
        }

        if (p + 2 > body.Length)
        {
            return false;
        }

        int end = p + 2 + ((body[p] << 8) | body[p + 1]);
        p += 2;
        if (end > body.Length)
        {
            return false;
        }

        while (p + 4 <= end)
        {
            int type = (body[p] << 8) | body[p + 1];
            int length = (body[p + 2] << 8) | body[p + 3];
            p += 4;
            if (p + length > end)
            {
                return false;
            }

            ReadOnlySpan<byte> ext = body.Slice(p, length);
            p += length;
            if (type == 0 && !ReadServerName(ext, out serverName))
            {
                return false;
            }

            if (type == 16 && !ReadAlpn(ext, out alpn))
            {
                return false;
            }
        }

        return p == end;
    }

    private static bool ReadServerName(ReadOnlySpan<byte> ext, out string? name)
    {
        name = null;
        if (ext.Length < 2 || ((ext[0] << 8) | ext[1]) != ext.Length - 2)
        {
            return false;
        }

        int p = 2;
        while (p + 3 <= ext.Length)
        {
            byte kind = ext[p];
            int length = (ext[p + 1] << 8) | ext[p + 2];
            p += 3;
            if (p + length > ext.Length || length is 0 or > 255)
            {
                return false;
            }

            if (kind == 0)
            {
                ReadOnlySpan<byte> raw = ext.Slice(p, length);
                foreach (byte b in raw)
                {
                    // Host names are ASCII (IDNs arrive as punycode); anything else is a malformed or hostile hello.
                    if (b is <= 0x20 or >= 0x7F)
                    {
                        return false;
                    }
                }

                name = Encoding.ASCII.GetString(raw);
                return true;
            }

            p += length;
        }

        return p == ext.Length;
    }

    private static bool ReadAlpn(ReadOnlySpan<byte> ext, out string[] protocols)
    {
        protocols = [];
        if (ext.Length < 2 || ((ext[0] << 8) | ext[1]) != ext.Length - 2)
        {
            return false;
        }

        var list = new List<string>(2);
        int p = 2;
        while (p < ext.Length)
        {
            int length = ext[p++];
            if (length == 0 || p + length > ext.Length)
            {
                return false;
            }

            list.Add(Encoding.ASCII.GetString(ext.Slice(p, length)));
            p += length;
        }

        protocols = [.. list];
        return true;
    }

    private static bool Skip8(ReadOnlySpan<byte> s, ref int p)
    {
        if (p + 1 > s.Length)
        {
            return false;
        }

        p += 1 + s[p];
        return p <= s.Length;
    }

    private static bool Skip16(ReadOnlySpan<byte> s, ref int p)
    {
        if (p + 2 > s.Length)
        {
            return false;
        }

        p += 2 + ((s[p] << 8) | s[p + 1]);
        return p <= s.Length;
    }
}
