using FilterProxy.Core.Domains;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static HelpServices CompileHelpServices(List<string>? names, List<ConfigError> e)
    {
        if (names is null || names.Count == 0)
        {
            return HelpServices.Default;
        }

        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i]?.Trim() ?? "";
            if (!HostName.TryPrepare(name, out _, out bool isIp) || isIp || !name.Contains('.', StringComparison.Ordinal))
            {
                e.Add(new ConfigError($"helpServices[{i}]", $"'{names[i]}' is not a host name (e.g. \"kooth.com\")"));
            }
            else if (PublicSuffixes.IsPublicSuffix(name.TrimEnd('.').ToLowerInvariant()))
            {
                e.Add(new ConfigError($"helpServices[{i}]", $"'{names[i]}' is a public suffix: it would unblock every site under it"));
            }
        }

        return new HelpServices(names.Where(static n => !string.IsNullOrWhiteSpace(n)));
    }

    private static IReadOnlyList<string> CompileHelpContacts(List<string>? lines, List<ConfigError> e)
    {
        if (lines is null)
        {
            return GatewaySettings.DefaultHelpContacts;
        }

        if (lines.Count is 0 or > 20)
        {
            e.Add(new ConfigError("helpContacts", "give 1–20 lines (who to call or text); leave it out for the built-in UK services"));
        }

        for (int i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]) || lines[i].Length > 300)
            {
                e.Add(new ConfigError($"helpContacts[{i}]", "a line must say something, in at most 300 characters"));
            }
        }

        return [.. lines.Where(static l => !string.IsNullOrWhiteSpace(l)).Select(static l => l.Trim())];
    }
}
