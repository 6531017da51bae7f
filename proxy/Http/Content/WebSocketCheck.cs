using System.Text;
using FilterProxy.Http.Forwarding;
using FilterProxy.Http.Search;

namespace FilterProxy.Http.Content;

/// <summary>
/// What the proxy reads of a WebSocket session (chat apps, AI tools that use one): the server's text messages go
/// through the streaming content check (as NDJSON: the prose of JSON messages, plain text as it is); the client's
/// text messages to an AI chat endpoint are read like prompts (<see cref="AiPrompts.FromMessage"/>) and handed to
/// <c>onClientMessage</c> as they end. Frames are read as they are copied, never changed.
/// </summary>
internal sealed class WebSocketCheck : IDisposable
{
    public const int MaxClientMessage = 64 * 1024;

    private readonly WebSocketFrames _down = new();
    private readonly WebSocketFrames _up = new();
    private readonly ServerText _server;
    private readonly ClientText? _client;

    public WebSocketCheck(StreamCheck? check, Action<string>? onClientMessage)
    {
        _server = new ServerText(check);
        _client = onClientMessage is null ? null : new ClientText(onClientMessage);
        Check = check;
    }

    public StreamCheck? Check { get; }

    /// <summary>The content check's stop, once the server's text crossed the line.</summary>
    public Inspection? Stop => _server.Stop;

    /// <summary>True when the piece that tipped it began on a frame boundary: everything the client got was whole frames, so a close frame can follow.</summary>
    public bool StoppedAtBoundary { get; private set; }

    /// <summary>Reads a piece from the server before it is sent on; the stop, when this piece crossed the line.</summary>
    public Inspection? FromServer(ReadOnlySpan<byte> bytes)
    {
        if (_server.Stop is null && Check is not null)
        {
            bool boundary = _down.AtBoundary;
            _down.Read(bytes, _server);
            StoppedAtBoundary = boundary;
        }

        return _server.Stop;
    }

    public void FromClient(ReadOnlySpan<byte> bytes)
    {
        if (_client is not null)
        {
            _up.Read(bytes, _client);
        }
    }

    public void Dispose() => Check?.Dispose();

    /// <summary>A close frame from the server's side (unmasked): 1008 policy violation, with the reason (at most 123 bytes).</summary>
    public static byte[] CloseFrame(string reason)
    {
        byte[] text = Encoding.UTF8.GetBytes(reason);
        int length = Math.Min(text.Length, 123);
        while (length > 0 && length < text.Length && (text[length] & 0xC0) == 0x80)
        {
            length--; // not inside a character
        }

        byte[] frame = new byte[4 + length];
        frame[0] = 0x88;
        frame[1] = (byte)(2 + length);
        frame[2] = 1008 >> 8;
        frame[3] = 1008 & 0xFF;
        text.AsSpan(0, length).CopyTo(frame.AsSpan(4));
        return frame;
    }

    private sealed class ServerText(StreamCheck? check) : IWebSocketText
    {
        public Inspection? Stop { get; private set; }

        public void Text(ReadOnlySpan<byte> payload)
        {
            if (Stop is null && check?.Write(payload) is { Block: true } stop)
            {
                Stop = stop;
            }
        }

        public void EndOfMessage() => Text("\n"u8);
    }

    private sealed class ClientText(Action<string> onMessage) : IWebSocketText
    {
        private readonly byte[] _message = new byte[MaxClientMessage];
        private int _length;

        public void Text(ReadOnlySpan<byte> payload)
        {
            int n = Math.Min(payload.Length, _message.Length - _length);
            payload[..n].CopyTo(_message.AsSpan(_length));
            _length += n;
        }

        public void EndOfMessage()
        {
            if (AiPrompts.FromMessage(_message.AsSpan(0, _length)) is { } prompt)
            {
                onMessage(prompt);
            }

            _length = 0;
        }
    }
}
