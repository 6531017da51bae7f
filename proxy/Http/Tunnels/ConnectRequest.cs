using System.Buffers;
using System.Text;

namespace FilterProxy.Http.Tunnels;

internal enum ConnectParseStatus : byte
{
    NeedMoreData,
    Ok,
    /// <summary>The first line is not a CONNECT request: hand the connection to the HTTP server unchanged.</summary>
    NotConnect,
    Invalid,
}

/// <summary>
/// The head of an HTTP CONNECT request (<c>CONNECT host:port HTTP/1.1</c> and its headers), which Kestrel
/// rejects, so the proxy reads it itself before the HTTP server sees the connection.
/// </summary>
internal sealed class ConnectRequest
{
    public const int MaxHeadLength = 16 * 1024;
    private static ReadOnlySpan<byte> Method => "CONNECT "u8;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    public required string Host { get; init; }
    public required int Port { get; init; }
    public required string Authority { get; init; }
    /// <summary>The Proxy-Authorization header, if any (identity comes later).</summary>
    public string? ProxyAuthorization { get; init; }
    public string? UserAgent { get; init; }
    /// <summary>Bytes of the request head, to consume.</summary>
    public int HeadLength { get; init; }

    /// <summary>Whether the connection starts with "CONNECT " (or could, with more bytes).</summary>
    public static ConnectParseStatus Peek(ReadOnlySequence<byte> data)
    {
        ReadOnlySpan<byte> method = Method;
        int n = (int)Math.Min(data.Length, method.Length);
        Span<byte> start = stackalloc byte[8];
        data.Slice(0, n).CopyTo(start);
        if (!method[..n].SequenceEqual(start[..n]))
        {
            return ConnectParseStatus.NotConnect;
        }

        return n < method.Length ? ConnectParseStatus.NeedMoreData : ConnectParseStatus.Ok;
    }

    public static ConnectParseStatus TryParse(ReadOnlySequence<byte> data, out ConnectRequest? request, out string? error)
    {
        request = null;
        error = null;
        ConnectParseStatus peek = Peek(data);
        if (peek != ConnectParseStatus.Ok)
        {
            return peek;
        }

        var reader = new SequenceReader<byte>(data);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd, advancePastDelimiter: true))
        {
            if (data.Length > MaxHeadLength)
            {
                error = "the CONNECT request head is too large";
                return ConnectParseStatus.Invalid;
            }

            return ConnectParseStatus.NeedMoreData;
        }

        if (reader.Consumed > MaxHeadLength)
        {
            error = "the CONNECT request head is too large";
            return ConnectParseStatus.Invalid;
        }

        string text = Encoding.Latin1.GetString(head);
        string[] lines = text.Split("\r\n");
        string[] parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            error = "the request line is not 'CONNECT host:port HTTP/1.1'";
            return ConnectParseStatus.Invalid;
        }

        if (!TrySplitAuthority(parts[1], out string? host, out int port))
        {
            error = "the CONNECT target is not host:port";
            return ConnectParseStatus.Invalid;
        }

        string? auth = null;
        string? agent = null;
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':');
            if (colon <= 0 || lines[i].AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                error = "a header line is malformed";
                return ConnectParseStatus.Invalid;
            }

            ReadOnlySpan<char> name = lines[i].AsSpan(0, colon);
            string value = lines[i][(colon + 1)..].Trim();
            if (name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase))
            {
                auth = value;
            }
            else if (name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
            {
                agent = value;
            }
        }

        if (lines.Length > 101)
        {
            error = "too many headers";
            return ConnectParseStatus.Invalid;
        }

        request = new ConnectRequest { Host = host, Port = port, Authority = parts[1], ProxyAuthorization = auth, UserAgent = agent, HeadLength = (int)reader.Consumed };
        return ConnectParseStatus.Ok;
    }

    /// <summary>"host:443", "[2001:db8::1]:443" → host and port; the port is required for CONNECT.</summary>
    public static bool TrySplitAuthority(string authority, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? host, out int port)
    {
        host = null;
        port = 0;
        int colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = authority[..colon];
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']'))
            {
                return false;
            }

            host = host[1..^1];
        }

        return host.Length is > 0 and <= 253 && !host.AsSpan().ContainsAny(" /\\@\t\r\n");
    }
}
