using System.Text.Json.Nodes;
using FilterProxy.Core.Policy;

namespace FilterProxy.Admin.Policy;

/// <summary>
/// Curriculum exceptions and suspensions as the UI edits them. Both are lists in the configuration, and a list in the
/// admin's edits replaces the file's list (as with a central policy), so the UI always writes the whole effective list —
/// the file's entries included — and from then on the UI's list is the one that applies. Neither needs the change
/// approval path: an exception applies only once a second person approves it (the compiler refuses a self-approval),
/// and a suspension is an immediate safeguarding action; both are in the audit trail.
/// </summary>
public sealed class PolicyLists(IPolicyAdmin policy, PolicyEvaluator evaluator)
{
    public static JsonObject ToJson(CurriculumException x) => new()
    {
        ["id"] = x.Id,
        ["profile"] = x.Profile,
        ["group"] = x.Group,
        ["target"] = x.Target,
        ["start"] = x.Start,
        ["end"] = x.End,
        ["requestedBy"] = x.RequestedBy,
        ["teacher"] = x.Teacher,
        ["approvedBy"] = x.ApprovedBy,
        ["reason"] = x.Reason,
    };

    public static JsonObject ToJson(Suspension s) => new()
    {
        ["user"] = s.User,
        ["client"] = s.Client?.ToString(),
        ["from"] = s.From,
        ["until"] = s.Until,
        ["reason"] = s.Reason,
        ["by"] = s.By,
    };

    private static readonly string[] s_days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static JsonObject ToJson(ScheduleRule r) => new()
    {
        ["name"] = r.Name,
        ["profile"] = r.Profile,
        ["days"] = new JsonArray([.. Enumerable.Range(0, 7).Where(d => (r.Days & (1 << d)) != 0).Select(static d => (JsonNode)s_days[d])]),
        ["from"] = r.From.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        ["to"] = r.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        ["action"] = r.Action.ToString().ToLowerInvariant(),
        ["categories"] = new JsonArray([.. FilterProxy.Core.Categories.Categories.NamesOf(r.Categories).Select(static c => (JsonNode)c)]),
    };

    /// <summary>Every schedule, in the order the configuration gives them.</summary>
    public IReadOnlyList<ScheduleRule> ScheduleRules => [.. evaluator.Snapshot.Profiles.SelectMany(static p => p.ScheduleRules).DistinctBy(static r => r.Name)];

    public IEnumerable<JsonObject> Schedules => ScheduleRules.Select(ToJson);

    /// <summary>A whole list as JSON, for a change's baseline (null for a target that is not a list).</summary>
    public string? ListJson(string key) => key == "schedules" ? new JsonArray([.. Schedules]).ToJsonString() : null;

    public Task<IReadOnlyList<string>> SetExceptionsAsync(IEnumerable<JsonObject> exceptions, string reason, CancellationToken cancellationToken) =>
        ReplaceAsync("exceptions", exceptions, reason, cancellationToken);

    public Task<IReadOnlyList<string>> SetSuspensionsAsync(IEnumerable<JsonObject> suspensions, string reason, CancellationToken cancellationToken) =>
        ReplaceAsync("suspensions", suspensions, reason, cancellationToken);

    public IEnumerable<JsonObject> Exceptions => evaluator.Snapshot.Exceptions.Select(ToJson);

    public IEnumerable<JsonObject> Suspensions => evaluator.Snapshot.SuspensionList.Select(ToJson);

    private async Task<IReadOnlyList<string>> ReplaceAsync(string key, IEnumerable<JsonObject> items, string reason, CancellationToken cancellationToken)
    {
        JsonObject overlay = policy.Overlay is { } o && JsonNode.Parse(o) is JsonObject existing ? existing : [];
        overlay[key] = new JsonArray([.. items.Select(static i => (JsonNode)i.DeepClone())]);
        IReadOnlyList<FilterProxy.Core.Configuration.ConfigError> errors = await policy.ApplyAsync(overlay.ToJsonString(), reason, cancellationToken).ConfigureAwait(false);
        return [.. errors.Select(static e => e.ToString())];
    }
}
