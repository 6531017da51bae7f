using System.Text;

namespace FilterProxy.Classifier.Streaming;

/// <summary>
/// Server-sent events (text/event-stream) as they arrive: lines are split (LF, CRLF or CR), the <c>data:</c> lines of
/// an event are joined, and at the event's end (a blank line) its payload is read — JSON deltas unwrapped to their
/// text (<see cref="JsonTextMode.Prose"/>: OpenAI's <c>choices[].delta.content</c>, Anthropic's <c>delta.text</c>,
/// Gemini's <c>parts[].text</c>, ChatGPT's <c>v</c>), anything else as plain text; "[DONE]" markers, comments,
/// <c>event:</c>, <c>id:</c> and <c>retry:</c> lines are not text. A line or an event longer than
/// <see cref="MaxEvent"/> bytes is read as text in pieces, so memory stays bounded (buffers start at 1 KB and grow
/// only for long events).
/// </summary>
internal sealed class EventStreamText
{
    public const int MaxEvent = 64 * 1024;

    private readonly JsonStreamText _json = new(JsonTextMode.Prose);
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private byte[] _line = new byte[1024];
    private byte[] _data = new byte[1024];
    private int _lineLength;
    private int _dataLength;
    private bool _afterCr;

    public void Read(ReadOnlySpan<byte> bytes, ITextSink sink)
    {
        while (bytes.Length > 0)
        {
            if (_afterCr && bytes[0] == (byte)'\n')
            {
                bytes = bytes[1..]; // the LF of a CRLF whose CR ended the line
                _afterCr = false;
                continue;
            }

            _afterCr = false;
            int end = bytes.IndexOfAny((byte)'\n', (byte)'\r');
            ReadOnlySpan<byte> piece = end < 0 ? bytes : bytes[..end];
            Grow(ref _line, _lineLength + piece.Length);
            if (_lineLength + piece.Length > _line.Length)
            {
                // A line beyond the bound: what there is of the event is read now, and the line carries on as data.
                Dispatch(sink);
                int room = _line.Length - _lineLength;
                piece[..Math.Min(room, piece.Length)].CopyTo(_line.AsSpan(_lineLength));
                StreamTextReader.Decode(_decoder, _line.AsSpan(0, Math.Min(_line.Length, _lineLength + piece.Length)), sink, false);
                _lineLength = 0;
                bytes = bytes[Math.Min(room, piece.Length)..];
                continue;
            }

            piece.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += piece.Length;
            if (end < 0)
            {
                return;
            }

            _afterCr = bytes[end] == (byte)'\r';
            bytes = bytes[(end + 1)..];
            Line(_line.AsSpan(0, _lineLength), sink);
            _lineLength = 0;
        }
    }

    /// <summary>The end of the stream: an event not closed by a blank line is still read.</summary>
    public void Complete(ITextSink sink)
    {
        if (_lineLength > 0)
        {
            Line(_line.AsSpan(0, _lineLength), sink);
            _lineLength = 0;
        }

        Dispatch(sink);
    }

    private void Line(ReadOnlySpan<byte> line, ITextSink sink)
    {
        if (line.IsEmpty)
        {
            Dispatch(sink);
            return;
        }

        if (!line.StartsWith("data"u8) || (line.Length > 4 && line[4] != (byte)':'))
        {
            return; // event:, id:, retry:, ":" comments
        }

        ReadOnlySpan<byte> value = line.Length > 5 ? line[5..] : [];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        Grow(ref _data, _dataLength + value.Length + 1);
        if (_dataLength + value.Length + 1 > _data.Length)
        {
            Dispatch(sink);
        }

        if (_dataLength > 0)
        {
            _data[_dataLength++] = (byte)'\n';
        }

        int n = Math.Min(value.Length, _data.Length - _dataLength);
        value[..n].CopyTo(_data.AsSpan(_dataLength));
        _dataLength += n;
    }

    /// <summary>Doubles <paramref name="buffer"/> towards <paramref name="needed"/>, never past <see cref="MaxEvent"/>.</summary>
    private static void Grow(ref byte[] buffer, int needed)
    {
        if (needed <= buffer.Length || buffer.Length == MaxEvent)
        {
            return;
        }

        int size = buffer.Length;
        while (size < needed && size < MaxEvent)
        {
            size *= 2;
        }

        Array.Resize(ref buffer, Math.Min(size, MaxEvent));
    }

    private void Dispatch(ITextSink sink)
    {
        if (_dataLength == 0)
        {
            return;
        }

        ReadOnlySpan<byte> payload = _data.AsSpan(0, _dataLength).Trim(" \t\n"u8);
        _dataLength = 0;
        if (payload.IsEmpty || payload.SequenceEqual("[DONE]"u8))
        {
            return;
        }

        if ((payload[0] is (byte)'{' or (byte)'[') && _json.ReadValue(payload, sink))
        {
            return;
        }

        sink.Append(" ");
        StreamTextReader.Decode(_decoder, payload, sink, false);
        sink.Append(" ");
    }
}
