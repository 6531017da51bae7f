using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FilterProxy.Core.Events;

namespace FilterProxy.Events.Audit;

/// <summary>
/// The audit trail's hash chain: each entry's hash is SHA-256 over the previous entry's hash and the
/// entry's own fields, so an edited, removed or re-ordered entry is found by <see cref="Verify"/>.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static AuditEntry Next(AuditEntry? previous, AuditRecord record)
    {
        long seq = (previous?.Seq ?? 0) + 1;
        string prev = previous?.Hash ?? Genesis;
        // Milliseconds: what both stores keep exactly.
        DateTimeOffset time = DateTimeOffset.FromUnixTimeMilliseconds(record.Time.ToUnixTimeMilliseconds());
        return new AuditEntry(seq, time, record.Actor, record.Action, record.Target, record.Detail, prev,
            Hash(seq, time, record.Actor, record.Action, record.Target, record.Detail, prev));
    }

    public static string Hash(long seq, DateTimeOffset time, string actor, string action, string target, string? detail, string previousHash)
    {
        // Length-prefixed fields: no separator inside a field can make two different entries hash alike.
        var text = new StringBuilder();
        void Field(string? value)
        {
            text.Append(value is null ? "-1" : value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('|');
        }

        Field(seq.ToString(CultureInfo.InvariantCulture));
        Field(time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Field(actor);
        Field(action);
        Field(target);
        Field(detail);
        Field(previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Checks every entry in order; returns the problems found (empty when the chain is intact).</summary>
    public static async Task<AuditVerification> Verify(IAsyncEnumerable<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        long expectedSeq = 1;
        string expectedPrev = Genesis;
        long count = 0;
        await foreach (AuditEntry e in entries.WithCancellation(cancellationToken))
        {
            count++;
            if (e.Seq != expectedSeq)
            {
                problems.Add(e.Seq > expectedSeq
                    ? $"entries {expectedSeq}–{e.Seq - 1} are missing"
                    : $"entry {e.Seq} is out of order (expected {expectedSeq})");
            }

            if (!string.Equals(e.PreviousHash, expectedPrev, StringComparison.Ordinal))
            {
                problems.Add($"entry {e.Seq} does not follow the entry before it (previous hash differs): an entry was removed, inserted or changed");
            }

            string actual = Hash(e.Seq, e.Time, e.Actor, e.Action, e.Target, e.Detail, e.PreviousHash);
            if (!string.Equals(actual, e.Hash, StringComparison.Ordinal))
            {
                problems.Add($"entry {e.Seq} ({e.Action} by {e.Actor} at {e.Time:O}) was changed after it was written (hash differs)");
            }

            expectedSeq = e.Seq + 1;
            expectedPrev = e.Hash;
        }

        return new AuditVerification(count, problems);
    }
}

public sealed record AuditVerification(long Entries, IReadOnlyList<string> Problems)
{
    public bool IsIntact => Problems.Count == 0;
}
