using FilterProxy.Core.Networks;

namespace FilterProxy.Core.Identity;

public enum ProxyAuthMode
{
    Off,
    Local,
    Ldap,
    /// <summary>Local accounts first, then the directory.</summary>
    Any,
}

/// <summary>How clients in some networks sign in (the first rule whose networks hold the client applies).</summary>
public sealed record SignInRule
{
    public required IReadOnlyList<IpNetwork> Networks { get; init; }
    public ProxyAuthMode ProxyAuth { get; init; }
    /// <summary>Unidentified clients on the explicit proxy get 407 instead of the unknown-client profile.</summary>
    public bool Required { get; init; }
    public bool Portal { get; init; }
    public string? TrustedHeader { get; init; }
    /// <summary>Addresses whose <see cref="TrustedHeader"/> is believed (an SSO agent); from anyone else it is ignored and logged.</summary>
    public IpRangeMap<object>? TrustedHeaderFrom { get; init; }

    public bool TrustsHeaderFrom(System.Net.IPAddress client) => TrustedHeaderFrom?.Find(client) is not null;
}
