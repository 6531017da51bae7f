using FilterProxy.Classifier.Phrases;

namespace FilterProxy.Classifier.Streaming;

/// <summary>
/// The phrases found in a stream's last <see cref="Segments"/> judged segments (about 16K characters of text, what
/// the whole-page check's model reads of a page): evidence spread over a long page adds up, but a long harmless
/// stream does not pile up every weak word it ever said — the GPL repeated for 64 MB once collected "hacker" and
/// "exploit" to their caps and was stopped as malware, which judged whole it never was.
/// </summary>
internal sealed class PhraseTally
{
    public const int Segments = 32;

    private readonly Dictionary<WeightedPhrase, int>?[] _ring = new Dictionary<WeightedPhrase, int>?[Segments];
    private int _next;

    /// <summary>Each phrase's count over the last segments (empty when none was found).</summary>
    public Dictionary<WeightedPhrase, int> Counts { get; } = [];

    /// <summary>Adds one segment's phrases (null: none) and forgets the oldest segment's.</summary>
    public void Add(Dictionary<WeightedPhrase, int>? segment)
    {
        if (_ring[_next] is { } oldest)
        {
            foreach ((WeightedPhrase phrase, int count) in oldest)
            {
                int left = Counts[phrase] - count;
                if (left == 0)
                {
                    Counts.Remove(phrase);
                }
                else
                {
                    Counts[phrase] = left;
                }
            }
        }

        _ring[_next] = segment;
        _next = (_next + 1) % Segments;
        if (segment is not null)
        {
            foreach ((WeightedPhrase phrase, int count) in segment)
            {
                Counts[phrase] = Counts.GetValueOrDefault(phrase) + count;
            }
        }
    }
}
