using FilterProxy.Core.Networks;

namespace FilterProxy.Core.Identity;

public enum LeaseFormat
{
    Isc,
    Dnsmasq,
    Kea,
}

public sealed record LeaseSource(string Path, LeaseFormat Format);

/// <summary>The identity part of the configuration, validated: devices, lease files, people files, sign-in paths.</summary>
public sealed record IdentitySettings
{
    public static readonly IReadOnlyDictionary<string, string> DefaultYearProfiles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["N"] = "nursery-ks1", ["R"] = "nursery-ks1", ["1"] = "nursery-ks1", ["2"] = "nursery-ks1",
        ["3"] = "ks2", ["4"] = "ks2", ["5"] = "ks2", ["6"] = "ks2",
        ["7"] = "secondary", ["8"] = "secondary", ["9"] = "secondary", ["10"] = "secondary", ["11"] = "secondary",
        ["12"] = "secondary", ["13"] = "secondary",
    };

    public static readonly IReadOnlyDictionary<string, string> DefaultRoleProfiles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["staff"] = "staff", ["guest"] = "guest",
    };

    public static readonly IReadOnlyDictionary<string, string> DefaultVulnerableProfiles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["secondary"] = "ks2", ["ks2"] = "nursery-ks1",
    };

    public IReadOnlyList<Device> Devices { get; init; } = [];
    public IReadOnlyList<LeaseSource> Leases { get; init; } = [];
    public IReadOnlyList<string> PeopleFiles { get; init; } = [];
    public LdapSettings? Ldap { get; init; }
    /// <summary>Local accounts: user name → PBKDF2 hash.</summary>
    public IReadOnlyDictionary<string, string> Accounts { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> RoleProfiles { get; init; } = DefaultRoleProfiles;
    public IReadOnlyDictionary<string, string> YearProfiles { get; init; } = DefaultYearProfiles;
    public IReadOnlyDictionary<string, string> VulnerableProfiles { get; init; } = DefaultVulnerableProfiles;
    public IReadOnlyList<SignInRule> SignIn { get; init; } = [];
    public IpRangeMap<SignInRule> SignInMap { get; init; } = new([]);
    public TimeSpan AuthCache { get; init; } = TimeSpan.FromMinutes(5);
    public int LockoutFailures { get; init; } = 5;
    public TimeSpan LockoutWindow { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan PortalIdle { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan PortalMax { get; init; } = TimeSpan.FromHours(10);
    public TimeSpan SessionSync { get; init; } = TimeSpan.FromSeconds(5);

    public SignInRule? SignInFor(System.Net.IPAddress client) => SignIn.Count == 0 ? null : SignInMap.Find(client);

    /// <summary>
    /// The profile a person's record implies: explicit override, else the strictest mapped directory group, else
    /// year group, else role. Null when nothing maps. (The evaluator applies the vulnerable mapping, to whichever
    /// profile ends up deciding.)
    /// </summary>
    public string? ProfileOf(Person person, Func<string, double> strictness)
    {
        string? profile = person.Profile;
        if (profile is null && Ldap is not null)
        {
            foreach (string group in person.Groups)
            {
                if (Ldap.GroupProfiles.TryGetValue(group, out string? mapped) && (profile is null || strictness(mapped) > strictness(profile)))
                {
                    profile = mapped;
                }
            }
        }

        if (profile is null && person.Role == PersonRole.Pupil && person.YearGroup is { } year)
        {
            profile = YearProfiles.GetValueOrDefault(NormaliseYear(year));
        }

        return profile ?? RoleProfiles.GetValueOrDefault(person.Role.ToString());
    }

    /// <summary>"Year 2", "Y2", "yr2", "2" → "2"; "Reception" → "R"; "Nursery" → "N".</summary>
    public static string NormaliseYear(string year)
    {
        string t = year.Trim();
        if (t.StartsWith("rec", StringComparison.OrdinalIgnoreCase))
        {
            return "R";
        }

        if (t.StartsWith("nur", StringComparison.OrdinalIgnoreCase))
        {
            return "N";
        }

        int digits = 0;
        while (digits < t.Length && !char.IsAsciiDigit(t[digits]))
        {
            digits++;
        }

        return digits < t.Length ? t[digits..].TrimEnd() : t;
    }
}
