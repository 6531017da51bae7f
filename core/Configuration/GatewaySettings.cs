using System.Net;

namespace FilterProxy.Core.Configuration;

/// <summary>
/// Where the gateway listens and keeps its data. Defaults (documented in the README, printed at start):
/// explicit proxy 3128 (the squid convention schools know), DNS 5300 (unprivileged for a first run;
/// production configs use 53), admin UI 8080, transparent listeners off until configured.
/// </summary>
public sealed record GatewaySettings
{
    public const int DefaultProxyPort = 3128;
    public const int DefaultDnsPort = 5300;
    public const int DefaultAdminPort = 8080;

    public required string DataDirectory { get; init; }
    public IPAddress ListenAddress { get; init; } = IPAddress.Any;
    public int ProxyPort { get; init; } = DefaultProxyPort;
    public int DnsPort { get; init; } = DefaultDnsPort;
    public int AdminPort { get; init; } = DefaultAdminPort;
    public int? TransparentHttpPort { get; init; }
    public int? TransparentHttpsPort { get; init; }
    public required IReadOnlyList<string> AllowedClients { get; init; }
    public DnsSettings Dns { get; init; } = new();
    public HttpSettings Http { get; init; } = new();
    public EventSettings Events { get; init; } = new();
    public MetricsSettings Metrics { get; init; } = new();
    /// <summary>Help services never blocked (built in, plus the configuration's <c>helpServices</c>).</summary>
    public FilterProxy.Core.Policy.HelpServices HelpServices { get; init; } = FilterProxy.Core.Policy.HelpServices.Default;
    /// <summary>The help page's list of who to contact (the school's own lines from <c>helpContacts</c>, else the built-in UK services).</summary>
    public IReadOnlyList<string> HelpContacts { get; init; } = DefaultHelpContacts;

    public static readonly IReadOnlyList<string> DefaultHelpContacts =
    [
        "Childline: call 0800 1111 any time, or chat at childline.org.uk",
        "Shout: text SHOUT to 85258",
        "Samaritans: call 116 123, day or night",
        "NHS 111 for urgent help, and 999 if you or someone else is in danger now",
    ];

    public string ListsDirectory => Path.Combine(DataDirectory, "lists");
}
