using FilterProxy.Core.Configuration;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Networks;

namespace FilterProxy.Core.Policy;

/// <summary>
/// Everything a decision needs, compiled and immutable. A reload builds a new snapshot and swaps it in
/// atomically (<see cref="PolicySnapshotHolder"/>); requests in flight finish on the one they started with.
/// </summary>
public sealed partial class PolicySnapshot
{
    private readonly Dictionary<string, Profile> _profiles;
    private readonly PolicyRule[] _sealedRules;
    private readonly PolicyRule _invalidRule = new("invalid-host", DecisionReason.Invalid, "unreadable host names are blocked");
    private static readonly PolicyRule s_helpRule = new("help-service", DecisionReason.HelpService, "the protected help services (helpServices)");

    internal PolicySnapshot(
        GatewaySettings settings,
        TimeZoneInfo timeZone,
        IReadOnlyList<Profile> profiles,
        Profile unknownClientProfile,
        IReadOnlyList<ClientGroup> groups,
        ListCatalog lists,
        IReadOnlyList<CurriculumException> exceptions,
        RuleSet<CurriculumException> exceptionRules,
        SuspensionTable suspensions,
        IpRangeMap<object> allowedClients,
        string? source,
        DateTimeOffset builtAt)
    {
        Settings = settings;
        TimeZone = timeZone;
        Profiles = profiles;
        _profiles = profiles.ToDictionary(static p => p.Name, StringComparer.OrdinalIgnoreCase);
        UnknownClientProfile = unknownClientProfile;
        Groups = groups;
        GroupMap = new IpRangeMap<ClientGroup>(groups.SelectMany(static g => g.Networks.Select(n => (n, g))));
        Lists = lists;
        Exceptions = exceptions;
        ExceptionRules = exceptionRules;
        Suspensions = suspensions;
        AllowedClients = allowedClients;
        Source = source;
        BuiltAt = builtAt;
        _sealedRules = Categories.Categories.All
            .Select(static c => new PolicyRule($"sealed/{c.Name}", DecisionReason.Sealed, $"{c.Title} is blocked for everyone"))
            .ToArray();
    }

    public GatewaySettings Settings { get; }

    /// <summary>Devices, lease files, people files and sign-in paths (resolved by the gateway's identity service).</summary>
    public Identity.IdentitySettings Identity { get; init; } = new();

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<Profile> Profiles { get; }

    /// <summary>The profile for clients no group, user or device identifies: the strictest by default.</summary>
    public Profile UnknownClientProfile { get; }

    public IReadOnlyList<ClientGroup> Groups { get; }

    internal IpRangeMap<ClientGroup> GroupMap { get; }

    public ListCatalog Lists { get; }

    public IReadOnlyList<CurriculumException> Exceptions { get; }

    internal RuleSet<CurriculumException> ExceptionRules { get; }

    internal SuspensionTable Suspensions { get; }

    public IReadOnlyList<Suspension> SuspensionList => Suspensions.All;

    /// <summary>Client networks the gateway serves at all (no open proxy or resolver).</summary>
    public IpRangeMap<object> AllowedClients { get; }

    /// <summary>The configuration file this came from, or null for built-in defaults.</summary>
    public string? Source { get; }

    public DateTimeOffset BuiltAt { get; }

    /// <summary>Increases with every swap (set by <see cref="PolicySnapshotHolder"/>).</summary>
    public long Version { get; internal set; }

    /// <summary>An unidentified client in a sign-in (portal) network: no person, the unknown-client profile.</summary>
    public FilterProxy.Core.Identity.ClientIdentity UnknownIdentity => _unknownIdentity ??= new FilterProxy.Core.Identity.ClientIdentity(null, null, FilterProxy.Core.Identity.IdentitySource.None, UnknownClientProfile.Name, false);

    private FilterProxy.Core.Identity.ClientIdentity? _unknownIdentity;

    public Profile? FindProfile(string name) => _profiles.GetValueOrDefault(name);

    public bool IsClientAllowed(System.Net.IPAddress address) => AllowedClients.Find(address) is not null;
}
