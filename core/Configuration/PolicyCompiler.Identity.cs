using System.Net;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Networks;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static IdentitySettings CompileIdentity(IdentityConfig? config, string baseDirectory, Dictionary<string, Profile> profiles, List<ConfigError> e)
    {
        if (config is null)
        {
            return new IdentitySettings();
        }

        var defaults = new IdentitySettings();

        string? ProfileName(string? name, string path)
        {
            if (name is null)
            {
                return null;
            }

            if (!profiles.TryGetValue(name, out Profile? p))
            {
                e.Add(new ConfigError(path, $"no profile is named '{name}'"));
                return null;
            }

            return p.Name;
        }

        int Range(int? value, int fallback, int min, int max, string name)
        {
            int v = value ?? fallback;
            if (v < min || v > max)
            {
                e.Add(new ConfigError($"identity.{name}", $"{v} is outside {min}–{max}"));
            }

            return v;
        }

        IReadOnlyDictionary<string, string> Map(Dictionary<string, string?>? map, IReadOnlyDictionary<string, string> fallback, string name)
        {
            if (map is null)
            {
                // Defaults name built-in profiles; a file that removes one simply has no mapping for it.
                return fallback.Where(kv => profiles.ContainsKey(kv.Value)).ToDictionary(StringComparer.OrdinalIgnoreCase);
            }

            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach ((string key, string? value) in map)
            {
                if (ProfileName(value, $"identity.{name}.{key}") is { } profile)
                {
                    result[key] = profile;
                }
                else if (value is null)
                {
                    e.Add(new ConfigError($"identity.{name}.{key}", "needs a profile name"));
                }
            }

            return result;
        }

        IReadOnlyDictionary<string, string> vulnerable = Map(config.VulnerableProfiles, IdentitySettings.DefaultVulnerableProfiles, "vulnerableProfiles");
        foreach ((string from, string to) in vulnerable)
        {
            if (profiles.TryGetValue(from, out Profile? a) && profiles.TryGetValue(to, out Profile? b) && b.Strictness < a.Strictness)
            {
                e.Add(new ConfigError($"identity.vulnerableProfiles.{from}", $"'{to}' is less strict than '{from}'; the vulnerable mapping may only make filtering stricter"));
            }
        }

        return new IdentitySettings
        {
            Devices = CompileDevices(config.Devices, ProfileName, e),
            Leases = CompileLeases(config.Leases, baseDirectory, e),
            PeopleFiles = (config.People ?? []).Select((p, i) => ExistingFile(p, baseDirectory, $"identity.people[{i}]", e)).ToList(),
            Ldap = CompileLdap(config.Ldap, ProfileName, e),
            Accounts = CompileAccounts(config.Accounts, e),
            RoleProfiles = Map(config.RoleProfiles, IdentitySettings.DefaultRoleProfiles, "roleProfiles"),
            YearProfiles = Map(config.YearProfiles, IdentitySettings.DefaultYearProfiles, "yearProfiles"),
            VulnerableProfiles = vulnerable,
            SignIn = CompileSignIn(config.SignIn, config, e) is var rules ? rules : [],
            SignInMap = new IpRangeMap<SignInRule>(rules.SelectMany(static r => r.Networks.Select(n => (n, r)))),
            AuthCache = TimeSpan.FromSeconds(Range(config.AuthCacheSeconds, (int)defaults.AuthCache.TotalSeconds, 0, 86_400, "authCacheSeconds")),
            LockoutFailures = Range(config.LockoutFailures, defaults.LockoutFailures, 1, 1000, "lockoutFailures"),
            LockoutWindow = TimeSpan.FromMinutes(Range(config.LockoutMinutes, (int)defaults.LockoutWindow.TotalMinutes, 1, 24 * 60, "lockoutMinutes")),
            PortalIdle = TimeSpan.FromSeconds(Range(config.PortalIdleSeconds, (int)defaults.PortalIdle.TotalSeconds, 0, 24 * 3600, "portalIdleSeconds")),
            PortalMax = TimeSpan.FromHours(Range(config.PortalMaxHours, (int)defaults.PortalMax.TotalHours, 1, 7 * 24, "portalMaxHours")),
            SessionSync = TimeSpan.FromSeconds(Range(config.SessionSyncSeconds, (int)defaults.SessionSync.TotalSeconds, 1, 3600, "sessionSyncSeconds")),
        };
    }

    private static string ExistingFile(string? path, string baseDirectory, string at, List<ConfigError> e)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            e.Add(new ConfigError(at, "needs a file path"));
            return "";
        }

        string full = Path.GetFullPath(path, baseDirectory);
        if (!File.Exists(full))
        {
            e.Add(new ConfigError(at, $"'{full}' does not exist"));
        }

        return full;
    }

    private static List<Device> CompileDevices(List<DeviceConfig?>? configs, Func<string?, string, string?> profileName, List<ConfigError> e)
    {
        var devices = new List<Device>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < (configs?.Count ?? 0); i++)
        {
            string path = $"identity.devices[{i}]";
            DeviceConfig? d = configs![i];
            if (d?.Id is not { Length: > 0 } id)
            {
                e.Add(new ConfigError(path, "a device needs an id"));
                continue;
            }

            if (!ids.Add(id))
            {
                e.Add(new ConfigError($"{path}.id", $"'{id}' is listed twice"));
            }

            string? mac = null;
            if (d.Mac is not null && !MacAddress.TryNormalise(d.Mac, out mac))
            {
                e.Add(new ConfigError($"{path}.mac", $"'{d.Mac}' is not a MAC address"));
            }

            IPAddress? ip = null;
            if (d.Ip is not null && !IPAddress.TryParse(d.Ip, out ip))
            {
                e.Add(new ConfigError($"{path}.ip", $"'{d.Ip}' is not an IP address"));
            }

            if (mac is null && ip is null)
            {
                e.Add(new ConfigError(path, "a device needs a MAC address (found through DHCP leases) or a fixed IP address"));
            }

            DeviceType type = DeviceType.SchoolOwned;
            if (d.Type is not null && !TryParseDeviceType(d.Type, out type))
            {
                e.Add(new ConfigError($"{path}.type", $"'{d.Type}' is not a device type (school-owned, byod, guest)"));
            }

            devices.Add(new Device(id, d.Name ?? id, mac, ip is null ? null : ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, d.Owner, type, profileName(d.Profile, $"{path}.profile")));
        }

        return devices;
    }

    public static bool TryParseDeviceType(string text, out DeviceType type)
    {
        type = text.Trim().ToLowerInvariant() switch
        {
            "school-owned" or "school" or "schoolowned" => DeviceType.SchoolOwned,
            "byod" => DeviceType.Byod,
            "guest" => DeviceType.Guest,
            _ => (DeviceType)(-1),
        };
        return Enum.IsDefined(type);
    }

    private static List<LeaseSource> CompileLeases(List<LeaseConfig?>? configs, string baseDirectory, List<ConfigError> e)
    {
        var leases = new List<LeaseSource>();
        for (int i = 0; i < (configs?.Count ?? 0); i++)
        {
            string path = $"identity.leases[{i}]";
            LeaseConfig? l = configs![i];
            if (l?.Path is not { Length: > 0 } file)
            {
                e.Add(new ConfigError(path, "a lease source needs a path"));
                continue;
            }

            LeaseFormat? format = l.Format?.ToLowerInvariant() switch
            {
                "isc" or "dhcpd" => LeaseFormat.Isc,
                "dnsmasq" => LeaseFormat.Dnsmasq,
                "kea" => LeaseFormat.Kea,
                _ => null,
            };
            if (format is null)
            {
                e.Add(new ConfigError($"{path}.format", $"'{l.Format}' is not a lease format (isc, dnsmasq, kea)"));
                continue;
            }

            // The file may not exist yet (no lease handed out): it is read when it appears.
            leases.Add(new LeaseSource(Path.GetFullPath(file, baseDirectory), format.Value));
        }

        return leases;
    }

    private static LdapSettings? CompileLdap(LdapConfig? c, Func<string?, string, string?> profileName, List<ConfigError> e)
    {
        if (c is null)
        {
            return null;
        }

        if (!Uri.TryCreate(c.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != "ldap" && url.Scheme != "ldaps"))
        {
            e.Add(new ConfigError("identity.ldap.url", $"'{c.Url}' is not an ldap:// or ldaps:// URL"));
            url = new Uri("ldap://invalid");
        }

        if (string.IsNullOrWhiteSpace(c.BaseDn))
        {
            e.Add(new ConfigError("identity.ldap.baseDn", "the directory needs a base DN to search for users"));
        }

        var groups = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string group, string? profile) in c.GroupProfiles ?? [])
        {
            if (profileName(profile, $"identity.ldap.groupProfiles.{group}") is { } p)
            {
                groups[group] = p;
            }
        }

        var defaults = new LdapSettings { Url = url, BaseDn = "" };
        int timeout = c.TimeoutMs ?? (int)defaults.Timeout.TotalMilliseconds;
        if (timeout is < 100 or > 60_000)
        {
            e.Add(new ConfigError("identity.ldap.timeoutMs", $"{timeout} is outside 100–60000"));
        }

        return new LdapSettings
        {
            Url = url,
            BindDn = c.BindDn,
            BindPassword = c.BindPassword,
            BaseDn = c.BaseDn ?? "",
            UserFilter = c.UserFilter ?? defaults.UserFilter,
            GroupFilter = c.GroupFilter ?? defaults.GroupFilter,
            DisplayNameAttribute = c.DisplayNameAttribute ?? defaults.DisplayNameAttribute,
            GroupProfiles = groups,
            VulnerableGroups = c.VulnerableGroups ?? [],
            Timeout = TimeSpan.FromMilliseconds(timeout),
        };
    }

    private static Dictionary<string, string> CompileAccounts(List<AccountConfig?>? configs, List<ConfigError> e)
    {
        var accounts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < (configs?.Count ?? 0); i++)
        {
            AccountConfig? a = configs![i];
            string path = $"identity.accounts[{i}]";
            if (a?.User is not { Length: > 0 } user)
            {
                e.Add(new ConfigError(path, "an account needs a user name"));
                continue;
            }

            if (a.PasswordHash is null || a.PasswordHash.Split('$').Length != 4 || !a.PasswordHash.StartsWith("pbkdf2-sha256$", StringComparison.Ordinal))
            {
                e.Add(new ConfigError($"{path}.passwordHash", "needs a hash printed by `filterproxy identity hash-password` (pbkdf2-sha256$…); plain passwords are never accepted"));
                continue;
            }

            if (!accounts.TryAdd(user, a.PasswordHash))
            {
                e.Add(new ConfigError($"{path}.user", $"'{user}' is listed twice"));
            }
        }

        return accounts;
    }

    private static List<SignInRule> CompileSignIn(List<SignInConfig?>? configs, IdentityConfig identity, List<ConfigError> e)
    {
        var rules = new List<SignInRule>();
        var seen = new HashSet<IpNetwork>();
        for (int i = 0; i < (configs?.Count ?? 0); i++)
        {
            string path = $"identity.signIn[{i}]";
            SignInConfig? c = configs![i];
            if (c is null)
            {
                e.Add(new ConfigError(path, "a sign-in rule needs networks"));
                continue;
            }

            List<IpNetwork> networks = ParseNetworks(c.Networks, $"{path}.networks", e);
            if (networks.Count == 0)
            {
                e.Add(new ConfigError($"{path}.networks", "a sign-in rule needs at least one network (CIDR)"));
            }

            foreach (IpNetwork n in networks)
            {
                if (!seen.Add(n with { Text = "" }))
                {
                    e.Add(new ConfigError($"{path}.networks", $"{n.Text} is already in an earlier sign-in rule"));
                }
            }

            ProxyAuthMode mode = ProxyAuthMode.Off;
            if (c.ProxyAuth is not null && !Enum.TryParse(c.ProxyAuth, ignoreCase: true, out mode))
            {
                e.Add(new ConfigError($"{path}.proxyAuth", $"'{c.ProxyAuth}' is not off, local, ldap or any"));
            }

            if (mode is ProxyAuthMode.Ldap or ProxyAuthMode.Any && identity.Ldap is null)
            {
                e.Add(new ConfigError($"{path}.proxyAuth", $"'{c.ProxyAuth}' needs identity.ldap"));
            }

            if (mode is ProxyAuthMode.Local && (identity.Accounts?.Count ?? 0) == 0)
            {
                e.Add(new ConfigError($"{path}.proxyAuth", "'local' needs identity.accounts"));
            }

            if (c.Required == true && mode == ProxyAuthMode.Off && c.TrustedHeader is null)
            {
                e.Add(new ConfigError($"{path}.required", "sign-in is required but no way to sign in is configured (proxyAuth or trustedHeader)"));
            }

            IpRangeMap<object>? trusted = null;
            if (c.TrustedHeader is not null)
            {
                List<IpNetwork> from = ParseNetworks(c.TrustedHeaderFrom, $"{path}.trustedHeaderFrom", e);
                if (from.Count == 0)
                {
                    e.Add(new ConfigError($"{path}.trustedHeaderFrom", "a trusted header needs the addresses of the agents allowed to send it"));
                }

                trusted = new IpRangeMap<object>(from.Select(static n => (n, (object)n)));
            }

            rules.Add(new SignInRule
            {
                Networks = networks,
                ProxyAuth = mode,
                Required = c.Required ?? false,
                Portal = c.Portal ?? false,
                TrustedHeader = c.TrustedHeader,
                TrustedHeaderFrom = trusted,
            });
        }

        return rules;
    }

    private static List<IpNetwork> ParseNetworks(List<string>? texts, string path, List<ConfigError> e)
    {
        var networks = new List<IpNetwork>();
        for (int i = 0; i < (texts?.Count ?? 0); i++)
        {
            if (IpNetwork.TryParse(texts![i], out IpNetwork? n, out string? error))
            {
                networks.Add(n.Value);
            }
            else
            {
                e.Add(new ConfigError($"{path}[{i}]", error!));
            }
        }

        return networks;
    }
}
