using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static HttpSettings CompileHttp(HttpConfig? config, string baseDirectory, List<ConfigError> e)
    {
        HttpConfig c = config ?? new HttpConfig();
        var defaults = new HttpSettings();

        int Range(int? value, int fallback, int min, int max, string name)
        {
            int v = value ?? fallback;
            if (v < min || v > max)
            {
                e.Add(new ConfigError($"http.{name}", $"{v} is outside {min}–{max}"));
            }

            return v;
        }

        IReadOnlyList<string> neverEntries = c.NeverIntercept ?? [.. HttpSettings.DefaultNeverIntercept];
        var never = new RuleSetBuilder<PolicyRule>();
        for (int i = 0; i < neverEntries.Count; i++)
        {
            string entry = neverEntries[i];
            var rule = new PolicyRule($"never-intercept/{i}", DecisionReason.Allow, $"the never-intercept entry '{entry}'", entry);
            if (string.IsNullOrWhiteSpace(entry) || !never.TryAdd(entry, rule, out string? error))
            {
                e.Add(new ConfigError($"http.neverIntercept[{i}]", $"'{entry}' is not a domain or URL entry"));
            }
        }

        List<string> Files(List<string>? files, string name)
        {
            var full = new List<string>();
            for (int i = 0; i < (files?.Count ?? 0); i++)
            {
                string path = Path.GetFullPath(files![i], baseDirectory);
                if (!File.Exists(path))
                {
                    e.Add(new ConfigError($"http.{name}[{i}]", $"'{path}' does not exist"));
                }

                full.Add(path);
            }

            return full;
        }

        var aiEndpoints = new List<string>(HttpSettings.DefaultAiChatEndpoints);
        for (int i = 0; i < (c.AiChatEndpoints?.Count ?? 0); i++)
        {
            string entry = c.AiChatEndpoints![i].Trim();
            int slash = entry.IndexOf('/');
            string host = slash < 0 ? entry : entry[..slash];
            if (host.Length == 0 || entry.Contains("://", StringComparison.Ordinal) || !Domains.HostName.TryPrepare(host, out _, out bool isIp) || isIp)
            {
                e.Add(new ConfigError($"http.aiChatEndpoints[{i}]", $"'{entry}' is not a host name with an optional path (\"chat.example.com/api/chat\")"));
                continue;
            }

            aiEndpoints.Add(entry);
        }

        List<string> caFiles = Files(c.TrustedUpstreamCaFiles, "trustedUpstreamCaFiles");
        List<string> phraseLists = Files(c.PhraseLists, "phraseLists");
        List<string> contentModel = Files(c.ContentModel is null ? null : [c.ContentModel], "contentModel");
        List<string> searchModel = Files(c.SearchModel is null ? null : [c.SearchModel], "searchModel");

        List<Core.Networks.IpNetwork> NetworkList(List<string>? entries, string name)
        {
            var parsed = new List<Core.Networks.IpNetwork>();
            for (int i = 0; i < (entries?.Count ?? 0); i++)
            {
                if (Core.Networks.IpNetwork.TryParse(entries![i], out Core.Networks.IpNetwork? n, out string? error))
                {
                    parsed.Add(n.Value);
                }
                else
                {
                    e.Add(new ConfigError($"http.{name}[{i}]", error!));
                }
            }

            return parsed;
        }

        return new HttpSettings
        {
            AllowInternalDestinations = NetworkList(c.AllowInternalDestinations, "allowInternalDestinations"),
            RefuseDestinations = NetworkList(c.RefuseDestinations, "refuseDestinations"),
            RefuseServiceHosts = c.RefuseServiceHosts ?? true,
            AiChatEndpoints = aiEndpoints,
            ContentCheck = c.ContentCheck ?? true,
            NeverInterceptEntries = neverEntries,
            NeverIntercept = never.Build(),
            ConnectTimeout = TimeSpan.FromMilliseconds(Range(c.ConnectTimeoutMs, (int)defaults.ConnectTimeout.TotalMilliseconds, 100, 120_000, "connectTimeoutMs")),
            ScanMaxBytes = Range(c.ScanMaxBytes, defaults.ScanMaxBytes, 1024, 16 << 20, "scanMaxBytes"),
            ScanTimeout = TimeSpan.FromMilliseconds(Range(c.ScanTimeoutMs, (int)defaults.ScanTimeout.TotalMilliseconds, 10, 30_000, "scanTimeoutMs")),
            MaxConnectionsPerClient = Range(c.MaxConnectionsPerClient, defaults.MaxConnectionsPerClient, 1, 1_000_000, "maxConnectionsPerClient"),
            InterceptFallback = TimeSpan.FromMinutes(Range(c.InterceptFallbackMinutes, (int)defaults.InterceptFallback.TotalMinutes, 0, 7 * 24 * 60, "interceptFallbackMinutes")),
            TunnelIdleTimeout = TimeSpan.FromSeconds(Range(c.TunnelIdleSeconds, (int)defaults.TunnelIdleTimeout.TotalSeconds, 1, 24 * 3600, "tunnelIdleSeconds")),
            GoogleAllowedDomains = c.GoogleAllowedDomains ?? [],
            MicrosoftTenants = c.MicrosoftTenants ?? [],
            MicrosoftTenantContext = c.MicrosoftTenantContext,
            TrustedUpstreamCaFiles = caFiles,
            PhraseLists = phraseLists,
            ContentModel = contentModel.FirstOrDefault(),
            SearchModel = searchModel.FirstOrDefault(),
        };
    }
}
