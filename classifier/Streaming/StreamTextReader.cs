using System.Buffers;
using System.Text;
using FilterProxy.Classifier.Extraction;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Streaming;

/// <summary>Receives text as a streamed body's reader finds it.</summary>
internal interface ITextSink
{
    void Append(ReadOnlySpan<char> text);
}

/// <summary>
/// The words a reader sees in a body that arrives in pieces, by kind: HTML's visible text (<see cref="HtmlStreamText"/>),
/// JSON's strings (<see cref="JsonStreamText"/>: every string of a JSON document, the prose of NDJSON answers),
/// server-sent events' payloads (<see cref="EventStreamText"/>), plain text as it is. Characters are decoded with a
/// stateful <see cref="Decoder"/>, so a character split between pieces is read whole.
/// </summary>
internal sealed class StreamTextReader : ITextSink
{
    private const int DecodeChunk = 8 * 1024;

    private readonly Decoder? _decoder;
    private readonly HtmlStreamText? _html;
    private readonly JsonStreamText? _json;
    private readonly EventStreamText? _events;
    private ITextSink? _sink;

    public StreamTextReader(ContentKind kind, string? charset)
    {
        switch (kind)
        {
            case ContentKind.Json:
                _json = new JsonStreamText(JsonTextMode.All);
                break;
            case ContentKind.JsonLines:
                _json = new JsonStreamText(JsonTextMode.Prose);
                break;
            case ContentKind.EventStream:
                _events = new EventStreamText();
                break;
            default:
                _decoder = TextExtractor.EncodingFor(charset).GetDecoder();
                _html = kind == ContentKind.Html ? new HtmlStreamText() : null;
                break;
        }
    }

    public void Read(ReadOnlySpan<byte> bytes, ITextSink sink) => Read(bytes, sink, final: false);

    /// <summary>The end of the body: what a reader kept back (a cut character, an unclosed event) is read.</summary>
    public void Complete(ITextSink sink)
    {
        Read([], sink, final: true);
        _events?.Complete(sink);
    }

    private void Read(ReadOnlySpan<byte> bytes, ITextSink sink, bool final)
    {
        if (_json is not null)
        {
            _json.Read(bytes, sink, final);
        }
        else if (_events is not null)
        {
            _events.Read(bytes, sink);
        }
        else if (_html is not null)
        {
            _sink = sink;
            Decode(_decoder!, bytes, this, final);
            _sink = null;
        }
        else
        {
            Decode(_decoder!, bytes, sink, final);
        }
    }

    /// <summary>HTML: decoded characters go through the markup reader before the sink.</summary>
    void ITextSink.Append(ReadOnlySpan<char> chars)
    {
        char[] visible = ArrayPool<char>.Shared.Rent(HtmlStreamText.MaxOutput(chars.Length));
        try
        {
            int n = _html!.Read(chars, visible);
            if (n > 0)
            {
                _sink!.Append(visible.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(visible);
        }
    }

    /// <summary>Decodes <paramref name="bytes"/> in pieces of at most 8K characters into <paramref name="sink"/>.</summary>
    internal static void Decode(Decoder decoder, ReadOnlySpan<byte> bytes, ITextSink sink, bool flush)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(DecodeChunk);
        try
        {
            bool completed;
            do
            {
                decoder.Convert(bytes, chars, flush, out int used, out int written, out completed);
                bytes = bytes[used..];
                if (written > 0)
                {
                    sink.Append(chars.AsSpan(0, written));
                }
            }
            while (!completed && bytes.Length > 0);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
