using FilterProxy.Core.Networks;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static List<ClientGroup> CompileGroups(Dictionary<string, GroupConfig?>? configs, Dictionary<string, Profile> profiles, List<ConfigError> e)
    {
        var groups = new List<ClientGroup>();
        if (configs is null)
        {
            return groups;
        }

        var seen = new Dictionary<IpNetwork, string>();
        foreach ((string name, GroupConfig? g) in configs)
        {
            string path = $"groups.{name}";
            if (g is null)
            {
                e.Add(new ConfigError(path, "a group needs a profile and networks"));
                continue;
            }

            if (!IsValidName(name))
            {
                e.Add(new ConfigError(path, "group names use letters, digits, '-' and '_' only"));
            }

            Profile? profile = null;
            if (g.Profile is null || !profiles.TryGetValue(g.Profile, out profile))
            {
                e.Add(new ConfigError($"{path}.profile", g.Profile is null ? "a group needs a profile" : $"no profile is named '{g.Profile}'"));
            }

            var networks = new List<IpNetwork>();
            List<string> texts = g.Networks ?? [];
            if (texts.Count == 0)
            {
                e.Add(new ConfigError($"{path}.networks", "a group needs at least one network (CIDR)"));
            }

            for (int i = 0; i < texts.Count; i++)
            {
                if (!IpNetwork.TryParse(texts[i], out IpNetwork? n, out string? error))
                {
                    e.Add(new ConfigError($"{path}.networks[{i}]", error!));
                    continue;
                }

                IpNetwork key = n.Value with { Text = "" };
                if (seen.TryGetValue(key, out string? other))
                {
                    e.Add(new ConfigError($"{path}.networks[{i}]", $"{texts[i]} is already in group '{other}'; a network can belong to one group"));
                    continue;
                }

                seen[key] = name;
                networks.Add(n.Value);
            }

            if (profile is not null)
            {
                groups.Add(new ClientGroup(name, profile, networks));
            }
        }

        return groups;
    }
}
