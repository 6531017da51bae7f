using FilterProxy.Admin.Policy;
using FilterProxy.Admin.Reviews;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Audit;
using FilterProxy.Events.Notifications;

namespace FilterProxy.Admin.Reports;

/// <summary>Gathers the facts the checklist needs (audit chain, approval setting, notifiers, review requests) and evaluates it.</summary>
public sealed class ComplianceService(PolicyEvaluator evaluator, PolicyChangeService changes, AlertService alerts, ReviewQueue reviews, IEventStore store, TimeProvider time)
{
    public async Task<(long Version, IReadOnlyList<ComplianceLine> Lines)> EvaluateAsync(CancellationToken cancellationToken)
    {
        PolicySnapshot snapshot = evaluator.Snapshot;
        DateTimeOffset now = time.GetUtcNow();
        AuditVerification audit = await AuditChain.Verify(store.ReadAuditAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        int notifiers = alerts.Notifiers.Count(static n => n is not RedisAlertChannel);
        int requests = (await reviews.ItemsAsync(now, cancellationToken).ConfigureAwait(false)).Count;
        return (snapshot.Version, ComplianceChecklist.Evaluate(snapshot, new ComplianceFacts(changes.RequireApproval, audit.IsIntact, audit.Entries, notifiers, requests, now)));
    }
}
