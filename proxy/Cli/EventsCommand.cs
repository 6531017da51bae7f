using System.CommandLine;
using System.Globalization;
using System.Text;
using FilterProxy.Core.Events;
using FilterProxy.Events.Export;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Cli;

/// <summary><c>events query</c> and <c>events export</c> over the configured store.</summary>
internal static class EventsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("events", "Read the event store: who tried what, when.");
        command.Subcommands.Add(Query(output, error));
        command.Subcommands.Add(Export(output, error));
        return command;
    }

    private static Command Query(TextWriter output, TextWriter error)
    {
        var client = new Option<string?>("--client") { Description = "Client IP address" };
        var user = new Option<string?>("--user") { Description = "User name" };
        var device = new Option<string?>("--device") { Description = "Device name or id" };
        var kind = new Option<string?>("--kind") { Description = "http, https-sni, dns, search, block-page-action or circumvention" };
        var since = new Option<string?>("--since") { Description = "From: 30m, 24h, 7d ago, or a time (2026-11-23 09:00, 2026-11-23T09:00Z)" };
        var until = new Option<string?>("--until") { Description = "Up to (exclusive), same forms as --since" };
        var blocked = new Option<bool>("--blocked") { Description = "Only blocked attempts" };
        var limit = new Option<int>("--limit") { Description = $"At most this many, newest first (default 100, at most {EventQuery.MaxLimit:N0})", DefaultValueFactory = static _ => 100 };
        var command = new Command("query", "Events newest first, filtered.") { client, user, device, kind, since, until, blocked, limit, StoreArguments.Json };
        command.SetAction(async (parse, ct) =>
        {
            EventKind? k = null;
            if (parse.GetValue(kind) is { } kindText)
            {
                if (!FilterEvent.TryParseKind(kindText, out EventKind parsed))
                {
                    await error.WriteLineAsync($"--kind: '{kindText}' is not one of http, https-sni, dns, search, block-page-action, circumvention");
                    return 2;
                }

                k = parsed;
            }

            (bool fromOk, DateTimeOffset? from) = await StoreArguments.TimeAsync(parse, since, error);
            (bool toOk, DateTimeOffset? to) = await StoreArguments.TimeAsync(parse, until, error);
            if (!fromOk || !toOk)
            {
                return 2;
            }

            int n = parse.GetValue(limit);
            if (n is < 1 or > EventQuery.MaxLimit)
            {
                await error.WriteLineAsync($"--limit: {n} is outside 1–{EventQuery.MaxLimit:N0}");
                return 2;
            }

            // Arguments first, the store after: a typo never waits on a connection.
            if (await StoreArguments.OpenAsync(parse, error) is not { } opened)
            {
                return 2;
            }

            await using IEventStore store = opened.Store;
            var query = new EventQuery
            {
                ClientIp = parse.GetValue(client),
                User = parse.GetValue(user),
                Device = parse.GetValue(device),
                Kind = k,
                Since = from,
                Until = to,
                Blocked = parse.GetValue(blocked) ? true : null,
                Limit = n,
            };
            IReadOnlyList<FilterEvent> events = await store.QueryAsync(query, ct);
            bool json = parse.GetValue(StoreArguments.Json);
            foreach (FilterEvent e in events)
            {
                await output.WriteLineAsync(json ? EventJson.Serialize(e)
                    : $"{e.Time:yyyy-MM-dd HH:mm:ss}Z  {FilterEvent.KindName(e.Kind),-13} {e.Verdict,-6} {e.User ?? e.Device ?? e.ClientIp,-16} {e.SearchTerm ?? e.Url ?? e.Host}{(e.Categories.Count > 0 ? "  [" + string.Join(",", e.Categories) + "]" : "")}{(e.Repeats is { } repeats ? $"  ({repeats} more identical queries)" : "")}");
            }

            if (!json)
            {
                await error.WriteLineAsync($"{events.Count} event(s) from {store.Description}");
            }

            return 0;
        });
        return command;
    }

    private static Command Export(TextWriter output, TextWriter error)
    {
        var user = new Option<string>("--user") { Description = "The person whose records to export", Required = true };
        var format = new Option<string>("--format") { Description = "json (one object per line) or csv", DefaultValueFactory = static _ => "json" };
        var outFile = new Option<string?>("--out") { Description = "Write to this file (default: standard output)" };
        var actor = new Option<string?>("--actor") { Description = "Who is exporting (for the audit trail; default: the login name)" };
        var command = new Command("export", "Everything held about one person (events and alerts), for a subject-access request. Audited.") { user, format, outFile, actor };
        command.SetAction(async (parse, ct) =>
        {
            string fmt = parse.GetValue(format)!.ToLowerInvariant();
            if (fmt is not ("json" or "csv"))
            {
                await error.WriteLineAsync($"--format: '{fmt}' is not json or csv");
                return 2;
            }

            if (await StoreArguments.OpenAsync(parse, error) is not { } opened)
            {
                return 2;
            }

            await using IEventStore store = opened.Store;
            string who = parse.GetValue(user)!;
            string? path = parse.GetValue(outFile);
            TextWriter target = path is null ? output : new StreamWriter(path, false, new UTF8Encoding(false));
            (long events, long alerts) counts;
            try
            {
                counts = await SubjectAccessExport.WriteAsync(store, who, fmt, target, ct);
            }
            finally
            {
                if (path is not null)
                {
                    await target.DisposeAsync();
                }
            }

            string by = parse.GetValue(actor) ?? Environment.UserName;
            await store.AppendAuditAsync(new AuditRecord(DateTimeOffset.UtcNow, by, "export.user", "user/" + who,
                $"{counts.events} events, {counts.alerts} alerts, {fmt}{(path is null ? "" : " to " + Path.GetFullPath(path))}"), ct);
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"exported {counts.events} event(s) and {counts.alerts} alert(s) about {who}; recorded in the audit trail"));
            return 0;
        });
        return command;
    }
}
