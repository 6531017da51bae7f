using System.Diagnostics;
using FilterProxy.Core.Content;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http.Content;

/// <summary>
/// The content check on a response as it streams (what follows the judged prefix of a long page; every server-sent
/// event and NDJSON answer from its first byte): each decoded piece the origin sends is handed to the classifier's
/// <see cref="IContentStream"/> (opened with the profile's blocked categories and threshold) before it is forwarded,
/// and the stream says when to stop. Records the time
/// spent judging: a piece that took longer than the scan budget, or a response whose judging took longer than
/// <see cref="TotalBudgetFactor"/> budgets in all, is reported on the event (never cut for it: a stream is judged to
/// its end, and the time is the classifier's own CPU, bounded per character).
/// </summary>
internal sealed class StreamCheck(IContentStream stream, Profile profile, string classifierName, TimeSpan budget, FilterProxy.Metrics.GatewayMetrics metrics) : IDisposable
{
    public const int TotalBudgetFactor = 10;

    private long _elapsed;
    private long _slowest;
    private int _overBudget;

    /// <summary>The text the stopping verdict was reached on (bounded), for the event.</summary>
    public string Window => stream.LastWindow;

    /// <summary>
    /// Reads the next piece; returns the block when the evidence has crossed the profile's threshold.
    /// <paramref name="judge"/> false: a prefix already judged whole, read as context.
    /// </summary>
    public Inspection? Write(ReadOnlySpan<byte> piece, bool judge = true)
    {
        long started = Stopwatch.GetTimestamp();
        return Decide(stream.Write(piece, judge), started);
    }

    /// <summary>The end of the body: the text still waiting is judged.</summary>
    public Inspection? Complete()
    {
        Inspection? inspection = Decide(stream.Complete(), Stopwatch.GetTimestamp());
        metrics.ContentCheck(Stopwatch.GetElapsedTime(0, _elapsed), inspection is not null);
        return inspection;
    }

    /// <summary>What judging cost, when it went over a budget ("" otherwise).</summary>
    public string CostNote
    {
        get
        {
            TimeSpan total = Stopwatch.GetElapsedTime(0, _elapsed);
            return _overBudget == 0 && total <= budget * TotalBudgetFactor
                ? ""
                : $"judging the stream took {total.TotalMilliseconds:0} ms in all over {stream.TextChars:N0} characters of text; "
                    + $"slowest piece {Stopwatch.GetElapsedTime(0, _slowest).TotalMilliseconds:0.0} ms, {_overBudget} over the {budget.TotalMilliseconds:0} ms budget";
        }
    }

    public void Dispose() => stream.Dispose();

    private Inspection? Decide(ContentVerdict? verdict, long started)
    {
        long elapsed = Stopwatch.GetTimestamp() - started;
        _elapsed += elapsed;
        _slowest = Math.Max(_slowest, elapsed);
        if (Stopwatch.GetElapsedTime(0, elapsed) > budget)
        {
            _overBudget++;
        }

        return verdict?.FirstBlocked(profile.Blocked, profile.ContentThreshold) is { } blocked
            ? new Inspection(true, blocked, ContentInspector.Summary(blocked, classifierName))
            : null;
    }
}
