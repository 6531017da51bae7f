using FilterProxy.Core.Identity;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Networks;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

/// <summary>
/// A validated configuration, everything but the list contents. Combine it with a
/// <see cref="ListCatalog"/> (built from <see cref="Lists"/>) to get a <see cref="PolicySnapshot"/>.
/// </summary>
public sealed class CompiledConfig
{
    internal CompiledConfig(
        GatewaySettings settings,
        TimeZoneInfo timeZone,
        IReadOnlyList<Profile> profiles,
        Profile unknownClientProfile,
        IReadOnlyList<ClientGroup> groups,
        IReadOnlyList<CurriculumException> exceptions,
        RuleSet<CurriculumException> exceptionRules,
        IReadOnlyList<Suspension> suspensions,
        IpRangeMap<object> allowedClients,
        IReadOnlyList<ListSource> lists,
        string? source)
    {
        Settings = settings;
        TimeZone = timeZone;
        Profiles = profiles;
        UnknownClientProfile = unknownClientProfile;
        Groups = groups;
        Exceptions = exceptions;
        ExceptionRules = exceptionRules;
        Suspensions = suspensions;
        AllowedClients = allowedClients;
        Lists = lists;
        Source = source;
    }

    public GatewaySettings Settings { get; }
    public TimeZoneInfo TimeZone { get; }
    public IReadOnlyList<Profile> Profiles { get; }
    public Profile UnknownClientProfile { get; }
    public IReadOnlyList<ClientGroup> Groups { get; }
    public IReadOnlyList<CurriculumException> Exceptions { get; }
    internal RuleSet<CurriculumException> ExceptionRules { get; }
    public IReadOnlyList<Suspension> Suspensions { get; }
    public IpRangeMap<object> AllowedClients { get; }
    public IReadOnlyList<ListSource> Lists { get; }
    public string? Source { get; }
    public IdentitySettings Identity { get; init; } = new();

    public string ListFingerprint => ListCatalogBuilder.Fingerprint(Lists);

    public PolicySnapshot ToSnapshot(ListCatalog catalog, DateTimeOffset now) => new(
        Settings, TimeZone, Profiles, UnknownClientProfile, Groups, catalog, Exceptions, ExceptionRules,
        new SuspensionTable(Suspensions), AllowedClients, Source, now) { Identity = Identity };
}
