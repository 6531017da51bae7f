using System.CommandLine;
using FilterProxy.Core.Events;
using FilterProxy.Events.Audit;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Cli;

/// <summary><c>audit list</c> and <c>audit verify</c>: the hash-chained trail of policy changes, alert actions and exports.</summary>
internal static class AuditCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("audit", "The audit trail: who changed what, and whether the trail is intact.");
        var list = new Command("list", "Every entry, oldest first.") { StoreArguments.Json };
        list.SetAction(async (parse, ct) =>
        {
            if (await StoreArguments.OpenAsync(parse, error) is not { } opened)
            {
                return 2;
            }

            await using IEventStore store = opened.Store;
            bool json = parse.GetValue(StoreArguments.Json);
            await foreach (AuditEntry e in store.ReadAuditAsync(ct))
            {
                await output.WriteLineAsync(json ? EventJson.Serialize(e) : $"{e.Seq,6}  {e.Time:yyyy-MM-dd HH:mm:ss}Z  {e.Actor,-20} {e.Action,-20} {e.Target}{(e.Detail is null ? "" : "  " + e.Detail)}");
            }

            return 0;
        });
        var verify = new Command("verify", "Recompute the hash chain; exit code 1 and each problem when an entry was changed, removed or inserted.");
        verify.SetAction(async (parse, ct) =>
        {
            if (await StoreArguments.OpenAsync(parse, error) is not { } opened)
            {
                return 2;
            }

            await using IEventStore store = opened.Store;
            AuditVerification result = await AuditChain.Verify(store.ReadAuditAsync(ct), ct);
            foreach (string problem in result.Problems)
            {
                await output.WriteLineAsync("TAMPERED: " + problem);
            }

            await output.WriteLineAsync(result.IsIntact
                ? $"audit trail intact: {result.Entries} entries, every hash verified"
                : $"audit trail NOT intact: {result.Problems.Count} problem(s) in {result.Entries} entries");
            return result.IsIntact ? 0 : 1;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(verify);
        return command;
    }
}
