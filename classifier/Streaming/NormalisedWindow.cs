namespace FilterProxy.Classifier.Streaming;

/// <summary>
/// The model's window over a stream, kept as its segments: each segment is normalised (and read through the
/// vocabulary) once, as it arrives, and the window is the newest segments that make up about the window's length.
/// Word counts are kept per segment, for the model's trust.
/// </summary>
/// <remarks>
/// The model itself reads the whole window at each judgment: adding the segments' model sums instead was tried and
/// refused — the blocks' L2 norms do not add (a character n-gram seen 20 times in each of two segments counts 800,
/// not 1,600), the window's scores came out overconfident, and revision prose was stopped as harmful. Looking up a
/// feature's weights is most of the model's cost (about 55 ns a character on a real page, a cache miss per feature),
/// so the overlapping windows cost about twice reading the text once.
/// </remarks>
internal sealed class NormalisedWindow
{
    private const int MaxSegments = 64;

    private readonly Segment[] _segments = new Segment[MaxSegments];
    private char[] _text = new char[4 * 1024];
    private int _length;
    private int _first;
    private int _count;

    public ReadOnlySpan<char> Text => _text.AsSpan(0, _length);

    public int Words { get; private set; }

    public int Known { get; private set; }

    /// <summary>
    /// Adds a segment (normalised text and its word counts), first dropping the oldest segments that would take the
    /// window past <paramref name="window"/> characters (a wider window dilutes a harmful paragraph in the text
    /// around it: one 270-character paragraph in a 1,335-character window scored 0.37 where it scores 0.6 in 1,000).
    /// </summary>
    public void Add(ReadOnlySpan<char> text, int words, int known, int window)
    {
        int drop = 0;
        while (_count > 0 && (_count == MaxSegments || _length - drop + text.Length > window))
        {
            drop += _segments[_first].Length;
            _first = (_first + 1) % MaxSegments;
            _count--;
        }

        _text.AsSpan(drop, _length - drop).CopyTo(_text);
        _length -= drop;
        if (_length + text.Length > _text.Length)
        {
            Array.Resize(ref _text, Math.Max(_text.Length * 2, _length + text.Length));
        }

        text.CopyTo(_text.AsSpan(_length));
        _length += text.Length;
        int slot = (_first + _count) % MaxSegments;
        _segments[slot] = new Segment(text.Length, words, known);
        _count++;
        (Words, Known) = (0, 0);
        for (int i = 0; i < _count; i++)
        {
            Segment s = _segments[(_first + i) % MaxSegments];
            (Words, Known) = (Words + s.Words, Known + s.Known);
        }
    }

    private readonly record struct Segment(int Length, int Words, int Known);
}
