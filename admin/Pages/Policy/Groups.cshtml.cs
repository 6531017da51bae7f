using System.Text.Json.Nodes;
using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>Client groups (IP ranges → profile): a change or a new group is proposed and approved like a profile change.</summary>
[Authorize(Policy = AdminPolicies.Technician)]
public sealed class GroupsModel(PolicyEvaluator evaluator, PolicyChangeService changes) : FormPageModel
{
    public IReadOnlyList<ClientGroup> Groups => evaluator.Snapshot.Groups;
    public IEnumerable<string> Profiles => evaluator.Snapshot.Profiles.Select(static p => p.Name);
    public string UnknownProfile => evaluator.Snapshot.UnknownClientProfile.Name;

    public void OnGet()
    {
    }

    public async Task OnPostAsync(string? name, string? profile, string? networks, CancellationToken cancellationToken)
    {
        name = name?.Trim() ?? "";
        List<string> ranges = [.. (networks ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct()];
        ClientGroup? live = Groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
        List<string> diff = [];
        if (live is null)
        {
            diff.Add($"new group {name}: {string.Join(", ", ranges)} → {profile}");
        }
        else
        {
            List<string> before = [.. live.Networks.Select(static n => n.ToString())];
            if (live.Profile.Name != profile)
            {
                diff.Add($"group {name}: profile {live.Profile.Name} → {profile}");
            }

            string changed = string.Join(", ", ranges.Except(before).Select(static r => "+ " + r).Concat(before.Except(ranges).Select(static r => "− " + r)));
            if (changed.Length > 0)
            {
                diff.Add($"group {name} networks: {changed}");
            }
        }

        var patch = new JsonObject
        {
            ["groups"] = new JsonObject { [live?.Name ?? name] = new JsonObject { ["profile"] = profile, ["networks"] = new JsonArray([.. ranges.Select(static r => (JsonNode)r)]) } },
        };
        PolicyChangeService.Outcome outcome = name.Length == 0 ? new(null, ["the group needs a name"])
            : await changes.ProposeAsync($"groups.{name}", patch, diff, User.Actor(), null, cancellationToken);
        if (outcome.Errors.Count > 0)
        {
            Fail(outcome.Errors);
        }
        else
        {
            Done = outcome.Change!.Status == ChangeStatus.Pending ? $"Change {outcome.Change.Id} is waiting for a senior leader's approval: {string.Join("; ", diff)}" : $"Applied: {string.Join("; ", diff)}";
        }
    }
}
