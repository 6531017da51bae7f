using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Admin.Reviews;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>The block page's review and report requests, and the technician's decision on each.</summary>
[Authorize(Policy = AdminPolicies.Technician)]
public sealed class ReviewsModel(ReviewQueue queue, PolicyChangeService changes, PolicyEvaluator evaluator, IEventStore store, TimeProvider time) : FormPageModel
{
    public IReadOnlyList<ReviewQueue.Item> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Items = await queue.ItemsAsync(time.GetUtcNow(), cancellationToken);

    public Task OnPostAllowAsync(string id, CancellationToken cancellationToken) => DecideAsync(id, "allow", cancellationToken);

    public Task OnPostBlockAsync(string id, CancellationToken cancellationToken) => DecideAsync(id, "block", cancellationToken);

    public Task OnPostDismissAsync(string id, CancellationToken cancellationToken) => DecideAsync(id, "keep", cancellationToken);

    private async Task DecideAsync(string id, string decision, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        ReviewQueue.Item? item = (await queue.ItemsAsync(now, cancellationToken)).FirstOrDefault(i => i.Request.Id == id);
        if (item is null || item.Decision is not null)
        {
            Fail(item is null ? $"there is no request {id} in the last {ReviewQueue.Days} days" : $"request {id} was already decided");
        }
        else if (decision == "keep")
        {
            await RecordAsync(item, decision, null, now, cancellationToken);
        }
        else if (item.Request.Host is not { } host || evaluator.Snapshot.FindProfile(item.Request.Profile ?? "") is not { } profile)
        {
            Fail("the request names no site or no known profile; change the profile by hand");
        }
        else if (FilterProxy.Core.Domains.PublicSuffixes.IsPublicSuffix(host))
        {
            Fail($"'{host}' is a top-level domain or public suffix: an entry for it would cover every site beneath it; change the profile by hand");
        }
        else
        {
            ProfileForm form = ProfileForm.From(profile);
            if (decision == "allow")
            {
                form.Allow = form.Allow + "\n" + host;
            }
            else
            {
                form.Deny = form.Deny + "\n" + host;
            }

            var (patch, diff) = form.Compare(profile);
            PolicyChangeService.Outcome outcome = await changes.ProposeAsync($"profiles.{profile.Name}", patch, diff, User.Actor(), $"block-page request {id}", cancellationToken);
            if (outcome.Errors.Count > 0)
            {
                Fail(outcome.Errors);
            }
            else
            {
                await RecordAsync(item, decision, outcome.Change!.Id, now, cancellationToken);
            }
        }

        Items = await queue.ItemsAsync(now, cancellationToken);
    }

    private async Task RecordAsync(ReviewQueue.Item item, string decision, string? changeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await queue.RecordAsync(new ReviewDecision(item.Request.Id!, decision, User.Actor(), now, changeId, null), cancellationToken);
        await store.AppendAuditAsync(new AuditRecord(now, User.Actor(), "review.decided", "request/" + item.Request.Id,
            $"{decision} {item.Request.Host} for {item.Request.Profile}{(changeId is null ? "" : $" (change {changeId})")}"), cancellationToken);
        Done = changeId is null ? "Recorded." : $"Change {changeId} proposed.";
    }
}
