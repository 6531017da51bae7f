using System.Collections.Concurrent;

namespace FilterProxy.Http.BlockPages;

/// <summary>
/// The block pages this gateway served lately, by reference: the block page's "please review" form names its reference,
/// and the review takes the site from here (what was really blocked), never from the form's <c>url</c> field, which a
/// pupil can rewrite (<c>url=http://com/</c> once became an allow entry for every .com site). Bounded in count and age.
/// </summary>
internal sealed class RecentBlocks(TimeProvider time)
{
    public const int Capacity = 100_000;
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, BlockInfo> _byReference = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Reference, DateTimeOffset Time)> _order = new();

    public void Add(BlockInfo info)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_byReference.TryAdd(info.Reference, info))
        {
            _order.Enqueue((info.Reference, now));
        }

        while (_order.TryPeek(out (string Reference, DateTimeOffset Time) oldest) && (_order.Count > Capacity || now - oldest.Time > MaxAge))
        {
            if (_order.TryDequeue(out oldest))
            {
                _byReference.TryRemove(oldest.Reference, out _);
            }
        }
    }

    public BlockInfo? Find(string? reference) =>
        reference is { Length: > 0 } && _byReference.TryGetValue(reference, out BlockInfo? info) ? info : null;
}
