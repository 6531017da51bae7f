using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FilterProxy.Classifier.Streaming;

/// <summary>Which strings of a JSON value a reader sees.</summary>
internal enum JsonTextMode : byte
{
    /// <summary>Every string value (a JSON API's response, as the whole-sample check reads it).</summary>
    All,

    /// <summary>
    /// An AI answer's words: strings under the keys AI services stream text in (content, text, delta, response,
    /// parts, v, …), and any other string with a space in it (prose in an unknown shape); identifiers, model names
    /// and timestamps, repeated with every token, are left out.
    /// </summary>
    Prose,
}

/// <summary>
/// The strings of JSON arriving in pieces (one document, or one value per line): <see cref="Utf8JsonReader"/> with its
/// state carried between pieces, and the bytes of a token cut at a boundary kept for the next piece (bounded by
/// <see cref="MaxCarry"/>). Text that turns out not to be JSON is read as plain UTF-8 from there on.
/// </summary>
internal sealed class JsonStreamText(JsonTextMode mode)
{
    public const int MaxCarry = 256 * 1024;

    private static readonly JsonReaderOptions s_options = new() { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip };
    private static readonly string[] s_textKeys =
    [
        "content", "text", "delta", "response", "parts", "v", "message", "answer", "output", "output_text", "completion", "generated_text", "token", "reply",
    ];

    private JsonReaderState _state = new(s_options);
    private byte[] _carry = [];
    private int _carryLength;
    private bool _textKey;
    private Decoder? _plain;

    public void Read(ReadOnlySpan<byte> bytes, ITextSink sink, bool final = false)
    {
        if (_plain is not null)
        {
            StreamTextReader.Decode(_plain, bytes, sink, final);
            return;
        }

        byte[]? joined = null;
        ReadOnlySpan<byte> data = bytes;
        if (_carryLength > 0)
        {
            joined = ArrayPool<byte>.Shared.Rent(_carryLength + bytes.Length);
            _carry.AsSpan(0, _carryLength).CopyTo(joined);
            bytes.CopyTo(joined.AsSpan(_carryLength));
            data = joined.AsSpan(0, _carryLength + bytes.Length);
        }

        try
        {
            var reader = new Utf8JsonReader(data, final, _state);
            int consumed = ReadTokens(ref reader, sink, out bool failed);
            if (failed)
            {
                // Not JSON after all (or broken): the rest is read as text.
                _plain = Encoding.UTF8.GetDecoder();
                _carryLength = 0;
                StreamTextReader.Decode(_plain, data[consumed..], sink, final);
                return;
            }

            _state = reader.CurrentState;
            Keep(data[consumed..], sink, final);
        }
        finally
        {
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }
    }

    /// <summary>The strings of one complete JSON value (an SSE event's payload), read apart from the stream; false when it is not JSON.</summary>
    public bool ReadValue(ReadOnlySpan<byte> json, ITextSink sink)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(s_options));
        _textKey = false;
        ReadTokens(ref reader, sink, out bool failed);
        return !failed;
    }

    private int ReadTokens(ref Utf8JsonReader reader, ITextSink sink, out bool failed)
    {
        failed = false;
        int consumed = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    _textKey = mode == JsonTextMode.All || IsTextKey(ref reader);
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    Emit(ref reader, sink);
                }
                else if (reader.TokenType is JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    _textKey = false;
                }

                consumed = (int)reader.BytesConsumed;
            }

            consumed = (int)reader.BytesConsumed;
        }
        catch (JsonException)
        {
            failed = true;
        }

        return consumed;
    }

    private void Emit(ref Utf8JsonReader reader, ITextSink sink)
    {
        int max = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        char[] chars = ArrayPool<char>.Shared.Rent(max + 2);
        try
        {
            int n = reader.CopyString(chars.AsSpan(1));
            ReadOnlySpan<char> value = chars.AsSpan(1, n);
            if (mode == JsonTextMode.All || _textKey || value.Contains(' '))
            {
                // Deltas carry their own spaces ("Hel", "lo wor", "ld"): joined as they come; other strings as words.
                chars[0] = ' ';
                chars[n + 1] = ' ';
                sink.Append(_textKey && mode == JsonTextMode.Prose ? value : chars.AsSpan(0, n + 2));
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static bool IsTextKey(ref Utf8JsonReader reader)
    {
        if (reader.ValueSpan.Length > 16 || reader.ValueIsEscaped)
        {
            return false;
        }

        Span<char> name = stackalloc char[16];
        int n = Encoding.UTF8.GetChars(reader.ValueSpan, name);
        foreach (string key in s_textKeys)
        {
            if (name[..n].Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void Keep(ReadOnlySpan<byte> rest, ITextSink sink, bool final)
    {
        if (rest.Length > MaxCarry)
        {
            // One token longer than the carry allows (a huge string): read it, and the rest, as text.
            _plain = Encoding.UTF8.GetDecoder();
            _carryLength = 0;
            StreamTextReader.Decode(_plain, rest, sink, final);
            return;
        }

        if (_carry.Length < rest.Length)
        {
            _carry = new byte[Math.Max(rest.Length, Math.Min(MaxCarry, _carry.Length * 2))];
        }

        rest.CopyTo(_carry);
        _carryLength = rest.Length;
    }
}
