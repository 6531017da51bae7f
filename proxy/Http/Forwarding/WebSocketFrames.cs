using System.Buffers;
using System.Buffers.Binary;

namespace FilterProxy.Http.Forwarding;

/// <summary>Receives the text of a WebSocket direction's text messages as their frames go by.</summary>
internal interface IWebSocketText
{
    /// <summary>The next payload bytes of a text message (unmasked, UTF-8, possibly cut mid-character).</summary>
    void Text(ReadOnlySpan<byte> payload);

    /// <summary>The text message ended (its final frame).</summary>
    void EndOfMessage();
}

/// <summary>
/// Reads one direction of a WebSocket connection (RFC 6455 §5.2) as its bytes are copied, without changing them:
/// frame headers are parsed across reads, text messages' payloads (a text frame and its continuations, with control
/// frames between) are unmasked into a copy and handed on; binary, ping, pong and close payloads are skipped. The
/// proxy takes <c>Sec-WebSocket-Extensions</c> off the upgrade request when it reads the frames, so that no
/// compression is negotiated; a frame with a reserved bit set (compressed after all) is not read.
/// </summary>
internal sealed class WebSocketFrames
{
    private readonly byte[] _header = new byte[14];
    private readonly byte[] _mask = new byte[4];
    private int _headerLength;
    private long _remaining;
    private int _maskOffset;
    private bool _masked;
    private bool _fin;
    private bool _textFrame;
    private bool _inTextMessage;

    /// <summary>True when the bytes read so far end on a frame boundary (a close frame may be sent there).</summary>
    public bool AtBoundary => _headerLength == 0 && _remaining == 0;

    public void Read(ReadOnlySpan<byte> bytes, IWebSocketText sink)
    {
        while (bytes.Length > 0)
        {
            if (_remaining == 0 && !ReadHeader(ref bytes, sink))
            {
                return;
            }

            int n = (int)Math.Min(_remaining, bytes.Length);
            if (_textFrame && n > 0)
            {
                Unmasked(bytes[..n], sink);
            }

            _remaining -= n;
            bytes = bytes[n..];
            if (_remaining == 0 && _headerLength == 0)
            {
                EndFrame(sink);
            }
        }
    }

    /// <summary>Gathers a header (2 to 14 bytes); false when the bytes ran out first.</summary>
    private bool ReadHeader(ref ReadOnlySpan<byte> bytes, IWebSocketText sink)
    {
        while (bytes.Length > 0)
        {
            _header[_headerLength++] = bytes[0];
            bytes = bytes[1..];
            if (_headerLength < 2 || _headerLength < HeaderLength())
            {
                continue;
            }

            StartFrame();
            _headerLength = 0;
            if (_remaining == 0)
            {
                EndFrame(sink); // an empty frame (often the last of a message)
                continue;
            }

            return true;
        }

        return false;
    }

    private int HeaderLength()
    {
        int length7 = _header[1] & 0x7F;
        return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((_header[1] & 0x80) != 0 ? 4 : 0);
    }

    private void StartFrame()
    {
        int opcode = _header[0] & 0x0F;
        bool reserved = (_header[0] & 0x70) != 0;
        _fin = (_header[0] & 0x80) != 0;
        _masked = (_header[1] & 0x80) != 0;
        int length7 = _header[1] & 0x7F;
        int at = 2;
        _remaining = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
            127 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)), long.MaxValue),
            _ => length7,
        };
        at += length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        if (_masked)
        {
            _header.AsSpan(at, 4).CopyTo(_mask);
        }

        _maskOffset = 0;
        if (opcode == 1)
        {
            _inTextMessage = true;
        }
        else if (opcode == 2)
        {
            _inTextMessage = false;
        }

        _textFrame = !reserved && (opcode == 1 || (opcode == 0 && _inTextMessage));
    }

    private void EndFrame(IWebSocketText sink)
    {
        if (_textFrame && _fin)
        {
            _inTextMessage = false;
            sink.EndOfMessage();
        }

        _textFrame = false;
    }

    private void Unmasked(ReadOnlySpan<byte> payload, IWebSocketText sink)
    {
        if (!_masked)
        {
            sink.Text(payload);
            return;
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(payload.Length);
        try
        {
            for (int i = 0; i < payload.Length; i++)
            {
                copy[i] = (byte)(payload[i] ^ _mask[(_maskOffset + i) & 3]);
            }

            _maskOffset = (_maskOffset + payload.Length) & 3;
            sink.Text(copy.AsSpan(0, payload.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
