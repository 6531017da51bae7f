using System.Buffers;
using FilterProxy.Classifier.Content;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Streaming;

/// <summary>
/// One response judged as it streams. Text from the <see cref="StreamTextReader"/> gathers in a fixed window; it is
/// judged every <see cref="SegmentChars"/> characters of new text (a long page, read in bulk), and at the end of
/// each write once <see cref="MinJudgeChars"/> are new (an AI answer, arriving a few words at a time). Each judgment
/// normalises the new text once (<see cref="NormalisedWindow"/>), reads it with the phrase lists once, adding to a
/// tally of the last 16K characters or so (<see cref="PhraseTally"/>: evidence spread over a page adds up), and reads
/// the last <see cref="ContextChars"/> at most with the model: windows overlap by half, so a harmful paragraph cut by
/// a segment boundary is still read whole in one of them (a 270-character paragraph in a long page was found at 48
/// of 48 offsets this way, against 42 with windows end to end), and a sentence that arrives token by token is
/// judged as a sentence. The <see cref="StreamDecision"/> says when to stop. Memory is the two windows and the
/// tally, however long the stream runs; a stream judged clean for megabytes is still judged — there is no "read
/// enough" cut-off.
/// </summary>
public sealed class ContentStream : IContentStream, ITextSink
{
    public const int SegmentChars = 512;
    public const int MinJudgeChars = 48;

    /// <summary>
    /// No verdict on fewer characters than this (until the end of the body): the first few words of an answer say too
    /// little, and judging them alone doubled false blocks on held-out safe pages (12.1% against 6.0% judged whole; 7.0%
    /// from 300 characters, with harmful recall 90.4% against 90.3%).
    /// </summary>
    public const int MinWindowChars = 300;

    /// <summary>The model's window at most, in normalised characters (the raw text kept for the event is as long).</summary>
    public const int ContextChars = 1024;
    private const int Capacity = 4 * 1024;

    private readonly ContentClassifier _classifier;
    private readonly StreamTextReader _reader;
    private readonly PhraseTally _tally = new();
    private readonly NormalisedWindow _window;
    private readonly StreamDecision _decision;
    private char[]? _text = ArrayPool<char>.Shared.Rent(Capacity);
    private int _length;
    private int _judged;
    private bool _judging;
    private ContentVerdict? _stop;

    internal ContentStream(ContentClassifier classifier, ContentKind kind, string? charset, StreamDecision decision)
    {
        _classifier = classifier;
        _decision = decision;
        _reader = new StreamTextReader(kind, charset);
        _window = new NormalisedWindow();
    }

    /// <summary>Characters the window holds at most: the stream's memory, whatever its length.</summary>
    public static int WindowChars => Capacity;

    public string LastWindow { get; private set; } = "";

    public long TextChars { get; private set; }

    public ContentVerdict? Write(ReadOnlySpan<byte> body, bool judge = true)
    {
        ObjectDisposedException.ThrowIf(_text is null, this);
        _judging = judge && _stop is null;
        _reader.Read(body, this);
        if (!judge)
        {
            _judged = _length; // the proxy judged this part whole: it is context now
        }
        else if (_length - _judged >= MinJudgeChars && TextChars >= MinWindowChars)
        {
            JudgePending(final: false, MinJudgeChars);
        }

        return _stop;
    }

    public ContentVerdict? Complete()
    {
        ObjectDisposedException.ThrowIf(_text is null, this);
        _judging = _stop is null;
        _reader.Complete(this);
        if (_judging && _length > _judged)
        {
            JudgePending(final: true);
        }

        return _stop ??= _decision.AtEnd();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _text, null) is { } text)
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    void ITextSink.Append(ReadOnlySpan<char> text)
    {
        TextChars += text.Length;
        while (text.Length > 0)
        {
            if (_length == Capacity)
            {
                Slide();
            }

            int n = Math.Min(text.Length, Capacity - _length);
            text[..n].CopyTo(_text.AsSpan(_length));
            _length += n;
            text = text[n..];
            if (!_judging || _stop is not null)
            {
                _judged = _length; // context only (a prefix judged whole, or a stream already stopped)
            }
            else if (_length - _judged >= SegmentChars)
            {
                JudgePending(final: false, SegmentChars);
            }
        }
    }

    /// <summary>Drops all but the last <see cref="ContextChars"/> of judged text (the pending text is always kept).</summary>
    private void Slide()
    {
        int keepFrom = Math.Max(0, _judged - ContextChars);
        if (keepFrom == 0)
        {
            // Unreachable while pending text is judged every SegmentChars; should it ever happen, the window still moves on.
            keepFrom = _length - ContextChars;
            _judged = Math.Max(_judged, keepFrom);
        }

        _text.AsSpan(keepFrom, _length - keepFrom).CopyTo(_text);
        _length -= keepFrom;
        _judged -= keepFrom;
    }

    /// <summary>Judges the new text in segments of at most <see cref="SegmentChars"/>, each up to a word boundary (all of it at the end).</summary>
    private void JudgePending(bool final, int least = 1)
    {
        while (_stop is null && _length - _judged >= least && JudgeSegment(final))
        {
        }
    }

    /// <summary>Judges the next segment; false when what is left is one word still arriving.</summary>
    private bool JudgeSegment(bool final)
    {
        ReadOnlySpan<char> pending = _text.AsSpan(_judged, Math.Min(_length - _judged, SegmentChars));
        bool all = final || _length - _judged > SegmentChars;
        int cut = final && pending.Length == _length - _judged ? pending.Length : pending.LastIndexOfAny(' ', '\n', '\t') + 1;
        if (cut <= 0)
        {
            if (!all)
            {
                return false; // one word still arriving
            }

            cut = pending.Length;
        }

        int end = _judged + cut;
        ContentVerdict verdict;
        (char[] fresh, int length, int words, int known) = _classifier.Segment(_text.AsSpan(_judged, cut));
        try
        {
            _window.Add(fresh.AsSpan(0, length), words, known, ContextChars);
            verdict = _classifier.ClassifyStreamed(_window, fresh.AsSpan(0, length), _tally, explain: false);
            if (_decision.Blocks(verdict))
            {
                verdict = _classifier.ClassifyStreamed(_window, [], _tally, explain: true); // the evidence, for the event
            }
        }
        finally
        {
            FilterProxy.Classifier.Normalisation.TextNormaliser.Return(fresh);
        }

        int windowStart = Math.Max(0, Math.Min(_judged, end - ContextChars));
        ReadOnlySpan<char> window = _text.AsSpan(windowStart, end - windowStart); // the text as it came, for the event
        _judged = end;
        bool wasPending = _decision.Pending;
        _stop = _decision.Next(verdict, TextChars - (_length - end));
        if (!wasPending && (_decision.Pending || _stop is not null))
        {
            // The text that tipped it, for the event: the window of the judgment that first blocked.
            LastWindow = window.ToString();
        }

        return true;
    }
}
