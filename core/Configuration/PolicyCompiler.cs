using System.Globalization;
using System.Net;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Networks;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

/// <summary>
/// Validates a configuration and compiles it, reporting every error in one pass (YARP's
/// ConfigValidator: "without short-circuiting"). Nothing here touches the network or list files.
/// </summary>
public static partial class PolicyCompiler
{
    public static CompiledConfig Compile(LoadedConfig loaded)
    {
        if (loaded.Config is null)
        {
            throw new ConfigException(loaded.Path ?? "built-in defaults", loaded.Errors);
        }

        // Unknown keys and wrong types do not stop the check: the rest is compiled too, so every error comes in one pass.
        CompiledConfig? compiled = TryCompile(loaded.Config, loaded.BaseDirectory, loaded.Path, out IReadOnlyList<ConfigError> errors);
        if (loaded.Errors.Count > 0)
        {
            throw new ConfigException(loaded.Path ?? "built-in defaults", [.. loaded.Errors, .. errors]);
        }

        return compiled ?? throw new ConfigException(loaded.Path ?? "built-in defaults", errors);
    }

    /// <summary>The errors <paramref name="loaded"/> would be refused with (empty when it compiles).</summary>
    public static IReadOnlyList<ConfigError> Check(LoadedConfig loaded)
    {
        try
        {
            Compile(loaded);
            return [];
        }
        catch (ConfigException ex)
        {
            return ex.Errors;
        }
    }

    public static CompiledConfig? TryCompile(FilterProxyConfig config, string baseDirectory, string? source, out IReadOnlyList<ConfigError> errors)
    {
        var e = new List<ConfigError>();
        GatewaySettings settings = CompileSettings(config, baseDirectory, e);
        TimeZoneInfo timeZone = CompileTimeZone(config.TimeZone, e);
        IpRangeMap<object> allowedClients = CompileAllowedClients(config.AllowedClients ?? [.. DefaultPolicy.AllowedClients], e);
        List<ScheduleConfig?> scheduleConfigs = config.Schedules ?? [.. DefaultPolicy.Schedules];
        Dictionary<string, ProfileConfig> profileConfigs = MergeProfiles(config.Profiles, e);
        var schedules = CompileSchedules(scheduleConfigs, profileConfigs, e);
        var profiles = profileConfigs.Select(p => CompileProfile(p.Key, p.Value, schedules, e)).ToList();
        var byName = profiles.ToDictionary(static p => p.Name, StringComparer.OrdinalIgnoreCase);

        string unknownName = config.UnknownClientProfile ?? DefaultPolicy.StrictestProfile;
        if (!byName.TryGetValue(unknownName, out Profile? unknown))
        {
            e.Add(new ConfigError("unknownClientProfile", $"no profile is named '{unknownName}' (profiles: {string.Join(", ", byName.Keys)})"));
            unknown = profiles.OrderByDescending(static p => p.Strictness).FirstOrDefault();
        }

        List<ClientGroup> groups = CompileGroups(config.Groups, byName, e);
        (List<CurriculumException> exceptions, RuleSet<CurriculumException> exceptionRules) =
            CompileExceptions(config.Exceptions, byName, groups, e);
        List<Suspension> suspensions = CompileSuspensions(config.Suspensions, e);
        List<ListSource> lists = CompileLists(config.Lists, baseDirectory, e);
        if (config.StarterLists != false)
        {
            lists.Insert(0, StarterLists.Source); // the offline starter set, before the school's own lists
        }
        IdentitySettings identity = CompileIdentity(config.Identity, baseDirectory, byName, e);

        errors = e;
        return e.Count > 0 || unknown is null
            ? null
            : new CompiledConfig(settings, timeZone, profiles, unknown, groups, exceptions, exceptionRules, suspensions, allowedClients, lists, source) { Identity = identity };
    }

    private static GatewaySettings CompileSettings(FilterProxyConfig config, string baseDirectory, List<ConfigError> e)
    {
        ListenConfig listen = config.Listen ?? new ListenConfig();
        IPAddress address = IPAddress.Any;
        if (listen.Address is not null && !IPAddress.TryParse(listen.Address, out address!))
        {
            e.Add(new ConfigError("listen.address", $"'{listen.Address}' is not an IP address"));
            address = IPAddress.Any;
        }

        int Port(int? value, int fallback, string name)
        {
            int port = value ?? fallback;
            if (port is < 0 or > 65535)
            {
                e.Add(new ConfigError($"listen.{name}", $"{port} is not a port number (0–65535; 0 picks a free port)"));
            }

            return port;
        }

        var settings = new GatewaySettings
        {
            DataDirectory = Path.GetFullPath(config.DataDirectory ?? DefaultPolicy.DataDirectory, baseDirectory),
            ListenAddress = address,
            ProxyPort = Port(listen.ProxyPort, GatewaySettings.DefaultProxyPort, "proxyPort"),
            DnsPort = Port(listen.DnsPort, GatewaySettings.DefaultDnsPort, "dnsPort"),
            AdminPort = Port(listen.AdminPort, GatewaySettings.DefaultAdminPort, "adminPort"),
            TransparentHttpPort = listen.TransparentHttpPort is { } th ? Port(th, 0, "transparentHttpPort") : null,
            TransparentHttpsPort = listen.TransparentHttpsPort is { } ts ? Port(ts, 0, "transparentHttpsPort") : null,
            AllowedClients = config.AllowedClients ?? [.. DefaultPolicy.AllowedClients],
            Dns = CompileDns(config.Dns, e),
            Http = CompileHttp(config.Http, baseDirectory, e),
            Events = CompileEvents(config.Events, baseDirectory, e),
            Metrics = CompileMetrics(config.Metrics, e),
            HelpServices = CompileHelpServices(config.HelpServices, e),
            HelpContacts = CompileHelpContacts(config.HelpContacts, e),
        };

        int[] fixedPorts = [settings.ProxyPort, settings.AdminPort, settings.TransparentHttpPort ?? 0, settings.TransparentHttpsPort ?? 0, settings.Dns.DohPort ?? 0];
        foreach (IGrouping<int, int> clash in fixedPorts.Where(static p => p != 0).GroupBy(static p => p).Where(static g => g.Count() > 1))
        {
            e.Add(new ConfigError("listen", $"port {clash.Key} is used by more than one TCP listener"));
        }

        return settings;
    }

    private static TimeZoneInfo CompileTimeZone(string? id, List<ConfigError> e)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id ?? DefaultPolicy.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            e.Add(new ConfigError("timeZone", $"unknown time zone '{id}' (use an IANA name such as Europe/London)"));
            return TimeZoneInfo.Utc;
        }
    }

    private static IpRangeMap<object> CompileAllowedClients(List<string> networks, List<ConfigError> e)
    {
        var parsed = new List<(IpNetwork, object)>();
        for (int i = 0; i < networks.Count; i++)
        {
            if (IpNetwork.TryParse(networks[i], out IpNetwork? n, out string? error))
            {
                parsed.Add((n.Value, n.Value.Text));
            }
            else
            {
                e.Add(new ConfigError($"allowedClients[{i}]", error!));
            }
        }

        return new IpRangeMap<object>(parsed);
    }

    private static Dictionary<string, ProfileConfig> MergeProfiles(Dictionary<string, ProfileConfig?>? configured, List<ConfigError> e)
    {
        var result = new Dictionary<string, ProfileConfig>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, ProfileConfig builtIn) in DefaultPolicy.Profiles)
        {
            result[name] = builtIn;
        }

        if (configured is null)
        {
            return result;
        }

        // New profiles may be based on others (built-in or configured); resolve in dependency order.
        var pending = configured.Where(static p => p.Value is not null).ToDictionary(static p => p.Key, static p => p.Value!, StringComparer.OrdinalIgnoreCase);
        foreach ((string name, ProfileConfig? value) in configured.Where(static p => p.Value is null))
        {
            e.Add(new ConfigError($"profiles.{name}", "a profile needs settings ({ … })"));
        }

        while (pending.Count > 0)
        {
            bool progressed = false;
            foreach ((string name, ProfileConfig p) in pending.ToList())
            {
                if (!IsValidName(name))
                {
                    e.Add(new ConfigError($"profiles.{name}", "profile names use letters, digits, '-' and '_' only"));
                    pending.Remove(name);
                    progressed = true;
                    continue;
                }

                string? baseName = p.BasedOn ?? (result.ContainsKey(name) ? name : null);
                if (baseName is null && p.BlockedCategories is null)
                {
                    e.Add(new ConfigError($"profiles.{name}", "a new profile needs 'blockedCategories' or 'basedOn' (so nothing is unblocked by accident)"));
                    pending.Remove(name);
                    progressed = true;
                    continue;
                }

                if (baseName is not null && !result.ContainsKey(baseName))
                {
                    if (!pending.ContainsKey(baseName) || string.Equals(baseName, name, StringComparison.OrdinalIgnoreCase))
                    {
                        e.Add(new ConfigError($"profiles.{name}.basedOn", $"no profile is named '{baseName}'"));
                        pending.Remove(name);
                        progressed = true;
                    }

                    continue;
                }

                result[name] = Overlay(baseName is null ? new ProfileConfig() : result[baseName], p);
                pending.Remove(name);
                progressed = true;
            }

            if (!progressed)
            {
                foreach (string name in pending.Keys)
                {
                    e.Add(new ConfigError($"profiles.{name}.basedOn", "profiles are based on each other in a circle"));
                }

                break;
            }
        }

        return result;
    }

    private static ProfileConfig Overlay(ProfileConfig b, ProfileConfig o) => new()
    {
        Description = o.Description ?? b.Description,
        BlockedCategories = o.BlockedCategories ?? b.BlockedCategories,
        SafeSearch = o.SafeSearch ?? b.SafeSearch,
        YouTube = o.YouTube ?? b.YouTube,
        ContentThreshold = o.ContentThreshold ?? b.ContentThreshold,
        Tls = o.Tls ?? b.Tls,
        ConnectPorts = o.ConnectPorts ?? b.ConnectPorts,
        OnScanFailure = o.OnScanFailure ?? b.OnScanFailure,
        DefaultAction = o.DefaultAction ?? b.DefaultAction,
        Allow = o.Allow ?? b.Allow,
        Deny = o.Deny ?? b.Deny,
        BlockBareAddresses = o.BlockBareAddresses ?? b.BlockBareAddresses,
        AllowAddresses = o.AllowAddresses ?? b.AllowAddresses,
        RiskySearchHelp = o.RiskySearchHelp ?? b.RiskySearchHelp,
    };

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    internal static CategorySet ParseCategories(List<string>? names, string path, List<ConfigError> e)
    {
        CategorySet set = CategorySet.Empty;
        if (names is null)
        {
            return set;
        }

        for (int i = 0; i < names.Count; i++)
        {
            if (Categories.Categories.TryParse(names[i], out Category? c))
            {
                set = set.Add(c.Value);
            }
            else
            {
                e.Add(new ConfigError($"{path}[{i}]", $"unknown category '{names[i]}' (categories: {string.Join(", ", Categories.Categories.All.Select(static x => x.Name))})"));
            }
        }

        return set;
    }

    private static T ParseEnum<T>(string? value, T fallback, string path, List<ConfigError> e)
        where T : struct, Enum
    {
        if (value is null)
        {
            return fallback;
        }

        if (EnumWords.TryParse(value, out T parsed))
        {
            return parsed;
        }

        e.Add(new ConfigError(path, $"'{value}' is not one of: {EnumWords.Names<T>()}"));
        return fallback;
    }

    internal static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
