using System.CommandLine;
using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Notifications;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Cli;

/// <summary><c>alerts list</c>, and the lifecycle: <c>alerts acknowledge|resolve|note</c> (each audited).</summary>
internal static class AlertsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("alerts", "Read and act on safeguarding alerts.");
        command.Subcommands.Add(List(output, error));
        command.Subcommands.Add(Act("acknowledge", "Mark an alert as seen and being dealt with.", output, error));
        command.Subcommands.Add(Act("resolve", "Close an alert (say what was done with --note).", output, error));
        command.Subcommands.Add(Act("note", "Add a note to an alert's chronology.", output, error));
        return command;
    }

    private static Command List(TextWriter output, TextWriter error)
    {
        var status = new Option<string?>("--status") { Description = "new, acknowledged or resolved" };
        var severity = new Option<string?>("--min-severity") { Description = "info, low, medium, high or critical" };
        var subject = new Option<string?>("--subject") { Description = "The user (or device, or address) an alert is about" };
        var since = new Option<string?>("--since") { Description = "Raised since: 24h, 7d, or a time" };
        var limit = new Option<int>("--limit") { DefaultValueFactory = static _ => 100, Description = "At most this many, newest first" };
        var command = new Command("list", "Alerts newest first.") { status, severity, subject, since, limit, StoreArguments.Json };
        command.SetAction(async (parse, ct) =>
        {
            (bool statusOk, AlertStatus? st) = await StoreArguments.WordAsync<AlertStatus>(parse, status, error);
            (bool severityOk, AlertSeverity? min) = await StoreArguments.WordAsync<AlertSeverity>(parse, severity, error);
            (bool sinceOk, DateTimeOffset? from) = await StoreArguments.TimeAsync(parse, since, error);
            if (!statusOk || !severityOk || !sinceOk)
            {
                return 2;
            }

            if (await StoreArguments.OpenAsync(parse, error) is not { } opened)
            {
                return 2;
            }

            await using IEventStore store = opened.Store;
            IReadOnlyList<Alert> alerts = await store.QueryAlertsAsync(new AlertQuery
            {
                Status = st,
                MinSeverity = min,
                Subject = parse.GetValue(subject),
                Since = from,
                Limit = Math.Clamp(parse.GetValue(limit), 1, EventQuery.MaxLimit),
            }, ct);
            bool json = parse.GetValue(StoreArguments.Json);
            foreach (Alert a in alerts)
            {
                await output.WriteLineAsync(json ? EventJson.Serialize(a)
                    : $"{a.Id}  {a.Created:yyyy-MM-dd HH:mm}Z  {Alert.SeverityName(a.Severity),-8} {Alert.StatusName(a.Status),-12} {a.Subject,-16} {a.Title} (×{a.Count})");
            }

            return 0;
        });
        return command;
    }

    private static Command Act(string action, string description, TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("id") { Description = "The alert id (from alerts list)" };
        var actor = new Option<string?>("--actor") { Description = "Who is acting (default: the login name)" };
        var note = new Option<string?>("--note") { Description = "What was done or decided", Required = action == "note" };
        var command = new Command(action, description) { id, actor, note };
        command.SetAction(async (parse, ct) =>
        {
            if (await StoreArguments.OpenAsync(parse, error) is not { } opened)
            {
                return 2;
            }

            await using IEventStore store = opened.Store;
            var service = new AlertService(store, [], new AlertFeed());
            string who = parse.GetValue(actor) ?? Environment.UserName;
            try
            {
                Alert updated = action switch
                {
                    "acknowledge" => await service.AcknowledgeAsync(parse.GetValue(id)!, who, parse.GetValue(note), ct),
                    "resolve" => await service.ResolveAsync(parse.GetValue(id)!, who, parse.GetValue(note), ct),
                    _ => await service.AddNoteAsync(parse.GetValue(id)!, who, parse.GetValue(note)!, ct),
                };
                await output.WriteLineAsync($"{updated.Id} is {Alert.StatusName(updated.Status)} ({updated.History.Count} entries in its chronology)");
                return 0;
            }
            catch (AlertActionException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return 1;
            }
        });
        return command;
    }
}
