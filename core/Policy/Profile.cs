using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Policy;

/// <summary>A compiled, immutable filtering profile (e.g. nursery-ks1, ks2, secondary, staff, guest).</summary>
public sealed class Profile
{
    private PolicyRule[] _categoryRules = [];

    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Categories blocked by this profile (sealed categories are blocked regardless).</summary>
    public required CategorySet Blocked { get; init; }
    public SafeSearchLevel SafeSearch { get; init; }
    public SafeSearchLevel YouTube { get; init; }
    /// <summary>Content classifier score (0–1) at or above which a page is blocked; lower is stricter.</summary>
    public double ContentThreshold { get; init; } = 0.7;
    public TlsMode Tls { get; init; }
    /// <summary>Ports a CONNECT tunnel may reach; null means any port (staff). Pupils: 443 only, so tunnels cannot carry VPNs or other protocols.</summary>
    public IReadOnlyList<int>? ConnectPorts { get; init; } = [443];
    /// <summary>When the content check fails or times out: allow (logged) instead of block. Off for pupils: a filter fails closed.</summary>
    public bool ScanFailOpen { get; init; }

    public bool AllowsConnectPort(int port) => ConnectPorts is null || ConnectPorts.Contains(port);
    /// <summary>A walled garden: block whatever no list or rule allows.</summary>
    public bool DefaultBlock { get; init; }
    public IReadOnlyList<string> AllowEntries { get; init; } = [];
    /// <summary>
    /// Block requests that name a bare IP address instead of a host name (pupil profiles, by default): lists name sites,
    /// so an address is a way round them. <see cref="AllowAddresses"/> are the addresses a school needs.
    /// </summary>
    public bool BlockBareAddresses { get; init; }
    /// <summary>What a search scoring high or critical gets: the results, help first, or help instead (pupil profiles).</summary>
    public RiskySearchHelp RiskySearchHelp { get; init; }
    public IReadOnlyList<Networks.IpNetwork> AllowAddresses { get; init; } = [];
    public PolicyRule AddressRule { get; private set; } = null!;

    /// <summary>Whether an address literal (as prepared for lookup) is on <see cref="AllowAddresses"/>.</summary>
    public bool AllowsAddress(ReadOnlySpan<char> address)
    {
        if (AllowAddresses.Count == 0 || !System.Net.IPAddress.TryParse(address, out System.Net.IPAddress? parsed))
        {
            return false;
        }

        UInt128 value = Networks.IpNetwork.ToUInt128(parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed);
        foreach (Networks.IpNetwork n in AllowAddresses)
        {
            if (n.Contains(value))
            {
                return true;
            }
        }

        return false;
    }
    public IReadOnlyList<string> DenyEntries { get; init; } = [];

    internal RuleSet<PolicyRule> Allow { get; init; } = RuleSet<PolicyRule>.Empty;
    internal RuleSet<PolicyRule> Deny { get; init; } = RuleSet<PolicyRule>.Empty;
    internal ScheduleRule[] Schedules { get; init; } = [];
    public IReadOnlyList<ScheduleRule> ScheduleRules => Schedules;
    public PolicyRule DefaultRule { get; private set; } = null!;

    /// <summary>A rough order of strictness: more blocked categories, lower threshold, safe search on.</summary>
    public double Strictness =>
        Blocked.Count + (DefaultBlock ? 100 : 0) + (1 - ContentThreshold) + ((int)SafeSearch + (int)YouTube) * 0.1;

    public PolicyRule CategoryRule(Category category) => _categoryRules[(int)category];

    internal Profile Seal()
    {
        _categoryRules = Categories.Categories.All
            .Select(c => new PolicyRule($"{Name}/category/{c.Name}", DecisionReason.Category, $"profile '{Name}' blocks {c.Name}"))
            .ToArray();
        AddressRule = new PolicyRule($"{Name}/bare-address", DecisionReason.Address, $"profile '{Name}' blocks requests that name a bare IP address instead of a site");
        DefaultRule = DefaultBlock
            ? new PolicyRule($"{Name}/default", DecisionReason.Default, $"profile '{Name}' blocks whatever is not allowed")
            : new PolicyRule($"{Name}/default", DecisionReason.Default, $"profile '{Name}' allows whatever is not blocked");
        return this;
    }

    public override string ToString() => Name;
}
