namespace FilterProxy.Core.Policy;

/// <summary>The entry point HTTP and DNS call: the current snapshot, evaluated at the clock's now.</summary>
public sealed class PolicyEvaluator(PolicySnapshotHolder snapshots, TimeProvider time)
{
    public PolicySnapshot Snapshot => snapshots.Current;

    public Decision Evaluate(in FilterRequest request) =>
        snapshots.Current.Evaluate(in request, request.Time == default ? time.GetUtcNow() : request.Time);
}
