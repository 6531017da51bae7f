using System.Text.Json.Nodes;
using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>Schedules: adding or removing one proposes the whole new list (approval refuses it if the list changed meanwhile).</summary>
[Authorize(Policy = AdminPolicies.Technician)]
public sealed class SchedulesModel(PolicyLists lists, PolicyEvaluator evaluator, PolicyChangeService changes) : FormPageModel
{
    private static readonly string[] s_days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public IReadOnlyList<ScheduleRule> Rules => lists.ScheduleRules;
    public IEnumerable<string> Profiles => evaluator.Snapshot.Profiles.Select(static p => p.Name);
    public string TimeZone => evaluator.Snapshot.TimeZone.Id;

    public IEnumerable<string> DayNames(int mask) => Enumerable.Range(0, 7).Select(d => (d + 1) % 7).Where(d => (mask & (1 << d)) != 0).Select(static d => s_days[d]);

    public void OnGet()
    {
    }

    public Task OnPostAddAsync(string? name, string? profile, string[]? days, string? from, string? to, string? action, string[]? categories, CancellationToken cancellationToken)
    {
        name = name?.Trim() ?? "";
        if (name.Length == 0 || Rules.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            Fail(name.Length == 0 ? "the schedule needs a name" : $"there is already a schedule '{name}'");
            return Task.CompletedTask;
        }

        var schedule = new JsonObject
        {
            ["name"] = name,
            ["profile"] = profile,
            ["days"] = new JsonArray([.. (days ?? []).Select(static d => (JsonNode)d)]),
            ["from"] = from?.Trim(),
            ["to"] = to?.Trim(),
            ["action"] = action,
            ["categories"] = new JsonArray([.. (categories ?? []).Select(static c => (JsonNode)c)]),
        };
        string line = $"+ schedule {name}: {profile} {string.Join(",", days ?? [])} {from}–{to} {action} {string.Join(", ", categories ?? [])}";
        return ProposeAsync([.. lists.Schedules, schedule], line, cancellationToken);
    }

    public Task OnPostRemoveAsync(string? name, CancellationToken cancellationToken)
    {
        ScheduleRule? rule = Rules.FirstOrDefault(r => r.Name == name);
        if (rule is null)
        {
            Fail($"there is no schedule '{name}'");
            return Task.CompletedTask;
        }

        return ProposeAsync([.. lists.Schedules.Where(s => (string?)s["name"] != name)], $"− schedule {name} ({rule.Profile})", cancellationToken);
    }

    private async Task ProposeAsync(IEnumerable<JsonObject> schedules, string diff, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["schedules"] = new JsonArray([.. schedules]) };
        PolicyChangeService.Outcome outcome = await changes.ProposeAsync("schedules", patch, [diff], User.Actor(), null, cancellationToken, lists.ListJson("schedules"));
        if (outcome.Errors.Count > 0)
        {
            Fail(outcome.Errors);
            return;
        }

        Done = outcome.Change!.Status == ChangeStatus.Pending ? $"Change {outcome.Change.Id} is waiting for a senior leader's approval: {diff}" : $"Applied: {diff}";
    }
}
