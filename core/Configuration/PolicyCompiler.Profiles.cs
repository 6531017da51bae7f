using FilterProxy.Core.Categories;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static Profile CompileProfile(string name, ProfileConfig p, Dictionary<string, List<ScheduleRule>> schedules, List<ConfigError> e)
    {
        string path = $"profiles.{name}";
        CategorySet blocked = ParseCategories(p.BlockedCategories, $"{path}.blockedCategories", e);
        double threshold = p.ContentThreshold ?? 0.7;
        if (threshold is < 0 or > 1 || double.IsNaN(threshold))
        {
            e.Add(new ConfigError($"{path}.contentThreshold", $"{threshold} is outside 0–1 (a lower threshold is stricter)"));
        }

        string defaultAction = p.DefaultAction ?? "allow";
        if (defaultAction is not ("allow" or "block"))
        {
            e.Add(new ConfigError($"{path}.defaultAction", $"'{defaultAction}' is not one of: allow, block"));
        }

        var allow = new RuleSetBuilder<PolicyRule>();
        var deny = new RuleSetBuilder<PolicyRule>();
        AddEntries(p.Allow, allow, name, "allow", DecisionReason.Allow, e);
        AddEntries(p.Deny, deny, name, "deny", DecisionReason.Deny, e);

        IReadOnlyList<int>? ports = [443];
        if (p.ConnectPorts is { } portTexts)
        {
            ports = portTexts.Contains("*") ? null : [.. portTexts.Select((t, i) => ParsePort(t, $"{path}.connectPorts[{i}]", e))];
        }

        string scanFailure = p.OnScanFailure ?? "block";
        if (scanFailure is not ("block" or "allow"))
        {
            e.Add(new ConfigError($"{path}.onScanFailure", $"'{scanFailure}' is not one of: block, allow"));
        }

        var allowAddresses = new List<Networks.IpNetwork>();
        for (int i = 0; i < (p.AllowAddresses?.Count ?? 0); i++)
        {
            if (Networks.IpNetwork.TryParse(p.AllowAddresses![i], out Networks.IpNetwork? n, out string? error))
            {
                allowAddresses.Add(n.Value);
            }
            else
            {
                e.Add(new ConfigError($"{path}.allowAddresses[{i}]", error!));
            }
        }

        return new Profile
        {
            BlockBareAddresses = p.BlockBareAddresses ?? false,
            RiskySearchHelp = ParseEnum(p.RiskySearchHelp, RiskySearchHelp.Off, $"{path}.riskySearchHelp", e),
            AllowAddresses = allowAddresses,
            Name = name,
            Description = p.Description ?? "",
            Blocked = blocked,
            SafeSearch = ParseEnum(p.SafeSearch, SafeSearchLevel.Strict, $"{path}.safeSearch", e),
            YouTube = ParseEnum(p.YouTube, SafeSearchLevel.Strict, $"{path}.youTube", e),
            ContentThreshold = threshold,
            Tls = ParseEnum(p.Tls, TlsMode.Intercept, $"{path}.tls", e),
            ConnectPorts = ports,
            ScanFailOpen = scanFailure == "allow",
            DefaultBlock = defaultAction == "block",
            AllowEntries = p.Allow ?? [],
            DenyEntries = p.Deny ?? [],
            Allow = allow.Build(),
            Deny = deny.Build(),
            Schedules = schedules.TryGetValue(name, out List<ScheduleRule>? mine) ? [.. mine] : [],
        }.Seal();
    }

    private static int ParsePort(string text, string path, List<ConfigError> e)
    {
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535)
        {
            return port;
        }

        e.Add(new ConfigError(path, $"'{text}' is not a port (1–65535, or \"*\" for any)"));
        return 0;
    }

    private static void AddEntries(List<string>? entries, RuleSetBuilder<PolicyRule> builder, string profile, string kind, DecisionReason reason, List<ConfigError> e)
    {
        if (entries is null)
        {
            return;
        }

        for (int i = 0; i < entries.Count; i++)
        {
            string entry = entries[i];
            var rule = new PolicyRule($"{profile}/{kind}/{i}", reason, $"the {kind} entry '{entry}' of profile '{profile}'", entry);
            if (string.IsNullOrWhiteSpace(entry))
            {
                e.Add(new ConfigError($"profiles.{profile}.{kind}[{i}]", "empty entry"));
            }
            else if (!builder.TryAdd(entry, rule, out string? error))
            {
                e.Add(new ConfigError($"profiles.{profile}.{kind}[{i}]", $"'{entry}': {error}"));
            }
        }
    }
}
