using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Streaming;

/// <summary>
/// When a streamed response is stopped: at once when a category the profile blocks scores
/// <see cref="StrongMargin"/> above the threshold; otherwise when it blocks in every judgment over at least
/// <see cref="ConfirmChars"/> characters of new text (two segments of a page; about 40 words of an answer), or in
/// the last judgment of the body. One window that barely tips over the threshold is the commonest false block of
/// a long stream — the GPL streamed as an answer was stopped for a lone "extremism 0.28" (threshold 0.25) 70,000
/// characters in — while harm that is really there scores well clear of it, or goes on for the next sentences.
/// </summary>
internal sealed class StreamDecision(CategorySet blocked, double threshold)
{
    public const int ConfirmChars = 256;
    public const double StrongMargin = 0.2;

    private ContentVerdict? _pending;
    private Category _pendingCategory;
    private long _pendingAt;

    /// <summary>Whether <paramref name="verdict"/> names a category the profile blocks at its threshold.</summary>
    public bool Blocks(ContentVerdict verdict) => verdict.FirstBlocked(blocked, threshold) is not null;

    /// <summary>True when a judgment blocked and waits for more text to confirm it.</summary>
    public bool Pending => _pending is not null;

    /// <summary>The verdict that stops the stream after a judgment ending at character <paramref name="at"/>, or null to go on.</summary>
    public ContentVerdict? Next(ContentVerdict verdict, long at)
    {
        CategoryScore? blocks = verdict.FirstBlocked(blocked, threshold);
        if (blocks is null)
        {
            _pending = null;
            return null;
        }

        if (blocks.Score >= threshold + StrongMargin)
        {
            return verdict;
        }

        if (_pending is not null && _pendingCategory == blocks.Category)
        {
            return at - _pendingAt >= ConfirmChars ? verdict : null;
        }

        _pending = verdict;
        _pendingCategory = blocks.Category;
        _pendingAt = at;
        return null;
    }

    /// <summary>At the end of the body: a judgment that blocked has no more text to wait for.</summary>
    public ContentVerdict? AtEnd() => _pending;
}
