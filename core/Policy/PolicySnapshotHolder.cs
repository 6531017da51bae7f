namespace FilterProxy.Core.Policy;

/// <summary>
/// Holds the current snapshot. Readers take <see cref="Current"/> once per request; a reload swaps in
/// a new, already-validated snapshot with one volatile write (YARP's ProxyConfigManager pattern).
/// </summary>
public sealed class PolicySnapshotHolder(PolicySnapshot initial)
{
    private PolicySnapshot _current = Stamp(initial, 1);

    public PolicySnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after a swap, with the new snapshot.</summary>
    public event Action<PolicySnapshot>? Changed;

    public void Swap(PolicySnapshot next)
    {
        PolicySnapshot previous = Current;
        Volatile.Write(ref _current, Stamp(next, previous.Version + 1));
        Changed?.Invoke(next);
    }

    private static PolicySnapshot Stamp(PolicySnapshot snapshot, long version)
    {
        snapshot.Version = version;
        return snapshot;
    }
}
