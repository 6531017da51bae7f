using FilterProxy.Admin.Shared;
using FilterProxy.Core.Events;

namespace FilterProxy.Admin.Reviews;

/// <summary>What was decided about one block-page request, and the policy change it led to (if any).</summary>
public sealed record ReviewDecision(string EventId, string Decision, string Actor, DateTimeOffset Time, string? ChangeId, string? Note);

public sealed record ReviewsDocument(IReadOnlyList<ReviewDecision> Decisions);

/// <summary>
/// The review queue fed by the block page: "please review" (a pupil or teacher thinks a page was wrongly blocked) and
/// "report" (something got through that should not have). The requests are events (kind block-page-action); what the
/// technician decided is kept in <c>&lt;data&gt;/admin/reviews.json</c>. An "allow" or "block" decision becomes a proposed
/// policy change for that profile, which takes the usual approval path.
/// </summary>
public sealed class ReviewQueue(AdminOptions options, IEventStore store)
{
    public const int Days = 30;

    private readonly JsonFileStore<ReviewsDocument> _file = new(Path.Combine(options.Directory, "reviews.json"), static () => new ReviewsDocument([]));

    public sealed record Item(FilterEvent Request, ReviewDecision? Decision);

    public async Task<IReadOnlyList<Item>> ItemsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<FilterEvent> requests = await store.QueryAsync(new EventQuery { Kind = EventKind.BlockPageAction, Since = now.AddDays(-Days), Limit = 1000 }, cancellationToken).ConfigureAwait(false);
        Dictionary<string, ReviewDecision> decided = _file.Value.Decisions.ToDictionary(static d => d.EventId, StringComparer.Ordinal);
        return [.. requests.Where(static e => e.Id is not null).Select(e => new Item(e, decided.GetValueOrDefault(e.Id!)))];
    }

    public Task RecordAsync(ReviewDecision decision, CancellationToken cancellationToken) =>
        _file.UpdateAsync(doc => (doc with { Decisions = [.. doc.Decisions.Where(d => d.EventId != decision.EventId), decision] }, 0), cancellationToken);
}
