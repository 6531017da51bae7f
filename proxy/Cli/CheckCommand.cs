using System.CommandLine;
using System.Net;
using System.Text.Json;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;

namespace FilterProxy.Cli;

/// <summary><c>check --profile ks2 https://example.com/</c>: what would this person get for this URL, and why?</summary>
internal static class CheckCommand
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var url = new Argument<string>("url-or-domain") { Description = "A URL (https://example.com/path?q) or a domain (example.com)" };
        var profile = new Option<string?>("--profile", "-p") { Description = "The profile to test (default: the client's group, else the unknown-client profile)" };
        var client = new Option<string?>("--client") { Description = "The client IP address (picks its group's profile when --profile is not given)" };
        var user = new Option<string?>("--user") { Description = "The user name (for suspensions)" };
        var at = new Option<string?>("--at") { Description = "When: '12:30' (today, school time), '2026-11-23 12:30' (school time) or ISO 8601 with offset" };
        var json = new Option<bool>("--json") { Description = "One JSON object, for scripts" };
        var command = new Command("check", "Show the decision for a URL or domain, and why.") { url, profile, client, user, at, json };
        command.SetAction(async (parse, ct) =>
        {
            PolicySnapshot snapshot;
            try
            {
                snapshot = await PolicyArguments.LoadOfflineAsync(parse.GetValue(CommandLine.ConfigOption), null, ct);
            }
            catch (ConfigException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return 2;
            }

            IPAddress? clientAddress = null;
            string? clientText = parse.GetValue(client);
            if (clientText is not null && !IPAddress.TryParse(clientText, out clientAddress))
            {
                await error.WriteLineAsync($"--client: '{clientText}' is not an IP address");
                return 2;
            }

            DateTimeOffset when = TimeProvider.System.GetUtcNow();
            string? atText = parse.GetValue(at);
            if (atText is not null && !PolicyArguments.TryParseTime(atText, snapshot.TimeZone, TimeProvider.System, out when))
            {
                await error.WriteLineAsync($"--at: '{atText}' is not a time ('12:30', '2026-11-23 12:30' or '2026-11-23T12:30:00Z')");
                return 2;
            }

            string target = parse.GetValue(url)!;
            FilterRequest request = FilterRequest.ForUrl(target, clientAddress, parse.GetValue(profile), when, parse.GetValue(user));
            Decision decision = snapshot.Evaluate(in request, when);
            DecisionReport report = DecisionReport.From(in decision, target);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, s_json));
            }
            else
            {
                await WriteTextAsync(output, report, snapshot);
            }

            return 0;
        });
        return command;
    }

    private static async Task WriteTextAsync(TextWriter o, DecisionReport r, PolicySnapshot snapshot)
    {
        string verdict = r.Verdict switch { "block" => "BLOCK", "allow-with-safe-search" => "ALLOW (safe search)", _ => "ALLOW" };
        await o.WriteLineAsync($"{verdict}  {r.Url}");
        await o.WriteLineAsync($"  profile     {r.Profile}{(r.Group is null ? "" : $" (group {r.Group})")}{(r.ProfileFallback ? " (fallback: unknown profile requested)" : "")}");
        await o.WriteLineAsync($"  decided by  {r.Reason}: rule {r.Rule}");
        if (r.Category is not null)
        {
            await o.WriteLineAsync($"  category    {r.Category} (list {r.List}, entry {r.Entry})");
        }

        await o.WriteLineAsync($"  listed as   {(r.Categories.Count == 0 ? "(not in any list)" : string.Join(", ", r.Categories))}");
        if (r.SafeSearchCname is not null)
        {
            await o.WriteLineAsync($"  safe search {r.SafeSearchEngine} {r.SafeSearchLevel} (DNS answers with {r.SafeSearchCname})");
        }

        await o.WriteLineAsync($"  at          {TimeZoneInfo.ConvertTime(r.Time, snapshot.TimeZone):yyyy-MM-dd HH:mm} {snapshot.TimeZone.Id}");
        await o.WriteLineAsync($"  why         {r.Explanation}");
    }
}
