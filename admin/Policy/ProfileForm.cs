using System.Globalization;
using System.Text.Json.Nodes;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Policy;

namespace FilterProxy.Admin.Policy;

/// <summary>
/// The settings of one profile as the technician edits them, and what changes between the live profile and the form:
/// a JSON patch (<c>{"profiles":{name:{…}}}</c>) and a readable difference, one line per setting
/// ("blocked categories: + gambling, − games", "content threshold: 0.7 → 0.5").
/// </summary>
public sealed class ProfileForm
{
    public string? Description { get; set; }
    public List<string> Blocked { get; set; } = [];
    public string SafeSearch { get; set; } = "strict";
    public string YouTube { get; set; } = "strict";
    public double ContentThreshold { get; set; } = 0.7;
    public string Tls { get; set; } = "intercept";
    public string? Allow { get; set; }
    public string? Deny { get; set; }

    public static ProfileForm From(Profile p) => new()
    {
        Description = p.Description,
        Blocked = [.. Categories.NamesOf(p.Blocked)],
        SafeSearch = Word(p.SafeSearch),
        YouTube = Word(p.YouTube),
        ContentThreshold = p.ContentThreshold,
        Tls = Word(p.Tls),
        Allow = string.Join('\n', p.AllowEntries),
        Deny = string.Join('\n', p.DenyEntries),
    };

    public static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static List<string> Lines(string? text) =>
        [.. (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    public (JsonObject Patch, IReadOnlyList<string> Diff) Compare(Profile live)
    {
        ProfileForm before = From(live);
        // Sealed categories are blocked whatever the form says; they are never part of a change.
        List<string> blocked = [.. Blocked.Where(Editable).Distinct().Order(StringComparer.Ordinal)];
        List<string> diff = [];
        if ((Description ?? "").Trim() != (before.Description ?? ""))
        {
            diff.Add($"description: \"{before.Description}\" → \"{(Description ?? "").Trim()}\"");
        }

        List<string> was = [.. before.Blocked.Where(Editable)];
        IEnumerable<string> added = blocked.Except(was).Select(static n => "+ " + n);
        IEnumerable<string> removed = was.Except(blocked).Select(static n => "− " + n);
        string categories = string.Join(", ", added.Concat(removed));
        if (categories.Length > 0)
        {
            diff.Add("blocked categories: " + categories);
        }

        Setting(diff, "safe search", before.SafeSearch, SafeSearch);
        Setting(diff, "YouTube restriction", before.YouTube, YouTube);
        Setting(diff, "content threshold", before.ContentThreshold.ToString("0.##", CultureInfo.InvariantCulture), ContentThreshold.ToString("0.##", CultureInfo.InvariantCulture));
        Setting(diff, "HTTPS", before.Tls, Tls);
        Entries(diff, "always allowed", Lines(before.Allow), Lines(Allow));
        Entries(diff, "always blocked", Lines(before.Deny), Lines(Deny));

        var profile = new JsonObject
        {
            ["description"] = (Description ?? "").Trim(),
            ["blockedCategories"] = new JsonArray([.. blocked.Select(static n => (JsonNode)n)]),
            ["safeSearch"] = SafeSearch,
            ["youTube"] = YouTube,
            ["contentThreshold"] = ContentThreshold,
            ["tls"] = Tls,
            ["allow"] = new JsonArray([.. Lines(Allow).Select(static n => (JsonNode)n)]),
            ["deny"] = new JsonArray([.. Lines(Deny).Select(static n => (JsonNode)n)]),
        };
        return (new JsonObject { ["profiles"] = new JsonObject { [live.Name] = profile } }, diff);
    }

    /// <summary>A known category that is not sealed (csam and terrorism are blocked whatever a form says).</summary>
    private static bool Editable(string name) => Categories.TryParse(name, out Category? c) && !Categories.Info(c.Value).Sealed;

    private static void Setting(List<string> diff, string name, string before, string after)
    {
        if (before != after)
        {
            diff.Add($"{name}: {before} → {after}");
        }
    }

    private static void Entries(List<string> diff, string name, List<string> before, List<string> after)
    {
        string changes = string.Join(", ", after.Except(before, StringComparer.OrdinalIgnoreCase).Select(static e => "+ " + e)
            .Concat(before.Except(after, StringComparer.OrdinalIgnoreCase).Select(static e => "− " + e)));
        if (changes.Length > 0)
        {
            diff.Add($"{name}: {changes}");
        }
    }
}
