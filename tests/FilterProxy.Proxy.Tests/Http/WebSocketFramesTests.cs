using System.Text;
using FilterProxy.Http.Forwarding;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>The frame reader finds the text messages of a WebSocket direction however its bytes are cut.</summary>
public sealed class WebSocketFramesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void TextMessages_FragmentedMaskedAndInterleavedWithControlFrames_AreRead(int piece)
    {
        byte[] stream =
        [
            .. Frame(0x1, false, "Hello, ", masked: true),          // text, not final
            .. Frame(0x9, true, "ping", masked: true),              // a ping between fragments
            .. Frame(0x0, true, "world", masked: true),             // continuation, final
            .. Frame(0x2, true, "binary!", masked: true),           // binary: not text
            .. Frame(0x1, true, new string('x', 300), masked: false), // 16-bit length
            .. Frame(0x1, true, "", masked: false),                 // an empty message
        ];
        var frames = new WebSocketFrames();
        var sink = new Collect();

        for (int i = 0; i < stream.Length; i += piece)
        {
            frames.Read(stream.AsSpan(i, Math.Min(piece, stream.Length - i)), sink);
        }

        Assert.Equal(["Hello, world", new string('x', 300), ""], sink.Messages);
        Assert.True(frames.AtBoundary);
    }

    [Fact]
    public void ACompressedFrame_IsNotReadAsText()
    {
        byte[] frame = Frame(0x1, true, "deflated bytes", masked: false);
        frame[0] |= 0x40; // RSV1: permessage-deflate
        var sink = new Collect();

        new WebSocketFrames().Read(frame, sink);

        Assert.Empty(sink.Messages);
    }

    private static byte[] Frame(int opcode, bool fin, string text, bool masked)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        byte maskBit = (byte)(masked ? 0x80 : 0);
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        byte[] key = [0x12, 0x34, 0x56, 0x78];
        if (masked)
        {
            frame.AddRange(key);
        }

        frame.AddRange(payload.Select((b, i) => masked ? (byte)(b ^ key[i & 3]) : b));
        return [.. frame];
    }

    private sealed class Collect : IWebSocketText
    {
        private readonly List<byte> _current = [];

        public List<string> Messages { get; } = [];

        public void Text(ReadOnlySpan<byte> payload) => _current.AddRange(payload.ToArray());

        public void EndOfMessage()
        {
            Messages.Add(Encoding.UTF8.GetString([.. _current]));
            _current.Clear();
        }
    }
}
