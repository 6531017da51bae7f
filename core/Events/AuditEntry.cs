namespace FilterProxy.Core.Events;

/// <summary>
/// One entry in the append-only audit trail: who did what to what, when. <see cref="Hash"/> covers every
/// other field and the previous entry's hash, so changing or removing any entry breaks the chain from there on.
/// </summary>
public sealed record AuditEntry(long Seq, DateTimeOffset Time, string Actor, string Action, string Target, string? Detail, string PreviousHash, string Hash);

/// <summary>An audit entry before the store places it in the chain.</summary>
public sealed record AuditRecord(DateTimeOffset Time, string Actor, string Action, string Target, string? Detail = null);
