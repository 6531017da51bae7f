using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Streaming;

/// <summary>
/// When a streamed response is stopped: a category must block in two judgments running (the window moves 48 to
/// 512 characters between them), or in the last one. On held-out safe pages judged as they stream, a lone window
/// that tipped over the threshold and the next that did not made 7 of the 86 false blocks (6.5% blocked against
/// 7.0%; harmful pages blocked 90.2% against 90.4%).
/// </summary>
internal sealed class StreamDecision(CategorySet blocked, double threshold)
{
    private ContentVerdict? _pending;

    /// <summary>The verdict that stops the stream after this judgment, or null to go on.</summary>
    public ContentVerdict? Next(ContentVerdict verdict)
    {
        CategoryScore? blocks = verdict.FirstBlocked(blocked, threshold);
        if (blocks is null)
        {
            _pending = null;
            return null;
        }

        if (_pending?.FirstBlocked(blocked, threshold)?.Category == blocks.Category)
        {
            return verdict;
        }

        _pending = verdict;
        return null;
    }

    /// <summary>True when the last judgment blocked and waits for the next to confirm it.</summary>
    public bool Pending => _pending is not null;

    /// <summary>At the end of the body: a last judgment that blocked has no next one to wait for.</summary>
    public ContentVerdict? AtEnd() => _pending;
}
