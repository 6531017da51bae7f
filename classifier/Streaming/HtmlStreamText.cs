using FilterProxy.Classifier.Extraction;

namespace FilterProxy.Classifier.Streaming;

/// <summary>
/// HTML's visible text as the markup arrives in pieces: the same reading as <see cref="HtmlText"/> (text between
/// tags, image alt text, meta description; never script, style, noscript or template; comments skipped), kept as
/// a small state between pieces — inside a tag, a comment or a hidden element — so a tag cut by a chunk boundary
/// is read whole. A tag longer than <see cref="MaxTag"/> characters is skipped; a '&lt;' not followed by a tag's
/// first character is text, so a stray "a &lt; b" does not swallow the page.
/// </summary>
internal sealed class HtmlStreamText
{
    public const int MaxTag = 2048;
    private const int MaxHiddenName = 16;

    private enum State : byte
    {
        Text,
        TagStart,
        Tag,
        Comment,
        Hidden,
    }

    private readonly char[] _tag = new char[MaxTag];
    private readonly char[] _hidden = new char[MaxHiddenName];
    private State _state;
    private int _tagLength;
    private bool _tagTooLong;
    private char _quote;
    private int _dashes;
    private int _hiddenLength;
    private int _match;

    /// <summary>A character reference cut at the end of a piece ("&amp;am"), finished by the next.</summary>
    private readonly char[] _reference = new char[MaxReference];
    private int _referenceLength;
    private const int MaxReference = 10;

    /// <summary>The most text one call can write: the input, plus a tag begun in an earlier piece.</summary>
    public static int MaxOutput(int inputLength) => inputLength + MaxTag + 1;

    /// <summary>Reads the next piece of markup; writes its visible text to <paramref name="output"/> (at least <see cref="MaxOutput"/> long).</summary>
    public int Read(ReadOnlySpan<char> s, Span<char> output)
    {
        int w = 0;
        int i = 0;
        while (i < s.Length)
        {
            switch (_state)
            {
                case State.Text:
                {
                    if (_referenceLength > 0)
                    {
                        i = FinishReference(s, i, output, ref w);
                        continue;
                    }

                    int lt = s[i..].IndexOf('<');
                    int end = lt < 0 ? s.Length : i + lt;
                    if (lt < 0)
                    {
                        end = KeepReference(s, i, end);
                    }

                    w = HtmlText.AppendText(output, w, s[i..end]);
                    i = lt < 0 ? s.Length : end;
                    if (lt >= 0)
                    {
                        i++;
                        _state = State.TagStart;
                    }

                    break;
                }

                case State.TagStart:
                    if (char.IsAsciiLetter(s[i]) || s[i] is '/' or '!' or '?')
                    {
                        _state = State.Tag;
                        _tagLength = 0;
                        _tagTooLong = false;
                        _quote = '\0';
                    }
                    else
                    {
                        output[w++] = '<';
                        _state = State.Text;
                    }

                    break;

                case State.Tag:
                    i = ReadTag(s, i, output, ref w);
                    break;

                case State.Comment:
                    for (; i < s.Length; i++)
                    {
                        char c = s[i];
                        if (c == '>' && _dashes >= 2)
                        {
                            i++;
                            _state = State.Text;
                            break;
                        }

                        _dashes = c == '-' ? _dashes + 1 : 0;
                    }

                    break;

                case State.Hidden:
                    i = SkipHidden(s, i);
                    break;
            }
        }

        return w;
    }

    /// <summary>Where the text to write now ends: before a '&amp;' near the end with no ';' after it, which is kept for the next piece.</summary>
    private int KeepReference(ReadOnlySpan<char> s, int start, int end)
    {
        int amp = s[start..end].LastIndexOf('&');
        if (amp < 0 || end - (start + amp) >= MaxReference || s[(start + amp)..end].Contains(';'))
        {
            return end;
        }

        amp += start;
        s[amp..end].CopyTo(_reference);
        _referenceLength = end - amp;
        return amp;
    }

    /// <summary>Completes a kept reference with the start of this piece (up to its ';'), decodes it, and returns where the piece goes on.</summary>
    private int FinishReference(ReadOnlySpan<char> s, int i, Span<char> output, ref int w)
    {
        Span<char> reference = stackalloc char[MaxReference];
        _reference.AsSpan(0, _referenceLength).CopyTo(reference);
        int length = _referenceLength;
        _referenceLength = 0;
        bool ended = false;
        while (length < MaxReference && i < s.Length && s[i] != '<')
        {
            char c = s[i++];
            reference[length++] = c;
            if (c == ';' || !(char.IsAsciiLetterOrDigit(c) || c == '#'))
            {
                ended = true;
                break;
            }
        }

        if (!ended && i == s.Length && length < MaxReference)
        {
            reference[..length].CopyTo(_reference); // still cut: wait for the next piece
            _referenceLength = length;
            return i;
        }

        w = HtmlText.AppendText(output, w, reference[..length]);
        return i;
    }

    private int ReadTag(ReadOnlySpan<char> s, int i, Span<char> output, ref int w)
    {
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (_quote != '\0')
            {
                _quote = c == _quote ? '\0' : _quote;
            }
            else if (c == '>')
            {
                w = EndTag(output, w);
                return i + 1;
            }
            else if (c is '"' or '\'' && _tagLength > 0 && _tag[0] != '!')
            {
                _quote = c;
            }

            if (_tagLength < MaxTag)
            {
                _tag[_tagLength++] = c;
            }
            else
            {
                _tagTooLong = true;
            }

            if (_tagLength == 3 && _tag[0] == '!' && _tag[1] == '-' && _tag[2] == '-')
            {
                _state = State.Comment;
                _dashes = 0;
                return i + 1;
            }
        }

        return i;
    }

    private int EndTag(Span<char> output, int w)
    {
        _state = State.Text;
        if (_tagTooLong)
        {
            return w;
        }

        ReadOnlySpan<char> tag = _tag.AsSpan(0, _tagLength);
        ReadOnlySpan<char> name = HtmlText.TagName(tag);
        bool closing = tag.Length > 0 && tag[0] == '/';
        if (!closing && HtmlText.IsHidden(name) && !tag.EndsWith('/'))
        {
            _hiddenLength = name.ToLowerInvariant(_hidden);
            _match = 0;
            _state = State.Hidden;
            return w;
        }

        return HtmlText.AppendTagText(output, w, tag, name);
    }

    /// <summary>Skips a hidden element's content up to its end tag ("&lt;/script", any case), which may be cut between pieces.</summary>
    private int SkipHidden(ReadOnlySpan<char> s, int i)
    {
        for (; i < s.Length; i++)
        {
            if (_match == 0)
            {
                int lt = s[i..].IndexOf('<');
                if (lt < 0)
                {
                    return s.Length;
                }

                i += lt;
                _match = 1;
                continue;
            }

            char expected = _match == 1 ? '/' : _hidden[_match - 2];
            char c = char.ToLowerInvariant(s[i]);
            if (c != expected)
            {
                _match = c == '<' ? 1 : 0;
                continue;
            }

            if (++_match == _hiddenLength + 2)
            {
                // The end tag itself is read as a tag (to its '>').
                _state = State.Tag;
                _tag[0] = '/';
                _hidden.AsSpan(0, _hiddenLength).CopyTo(_tag.AsSpan(1));
                _tagLength = _hiddenLength + 1;
                _tagTooLong = false;
                _quote = '\0';
                return i + 1;
            }
        }

        return i;
    }
}
