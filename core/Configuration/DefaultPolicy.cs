namespace FilterProxy.Core.Configuration;

/// <summary>
/// The built-in profiles and schedules a new install relies on. A profile of the same name in the
/// configuration file changes only the settings it names; "schedules" in the file replaces these.
/// </summary>
public static class DefaultPolicy
{
    public const string TimeZone = "Europe/London";
    public const string StrictestProfile = "nursery-ks1";
    public const string DataDirectory = "filterproxy-data";

    /// <summary>Loopback and private ranges: the gateway is never an open proxy or resolver by default.</summary>
    public static readonly IReadOnlyList<string> AllowedClients =
    [
        "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
        "169.254.0.0/16", "fc00::/7", "fe80::/10",
    ];

    private static readonly string[] s_harmful =
    [
        "discrimination", "drugs", "extremism", "gambling", "malware", "pornography", "piracy", "self-harm", "violence",
    ];

    public static IReadOnlyDictionary<string, ProfileConfig> Profiles { get; } = new Dictionary<string, ProfileConfig>(StringComparer.OrdinalIgnoreCase)
    {
        ["nursery-ks1"] = new()
        {
            Description = "Ages 3–7: the strictest; also the profile for unknown clients",
            BlockedCategories = [.. s_harmful, "social-media", "chat", "games", "dating", "streaming", "proxies", "alcohol-tobacco", "dns-over-https", "ai-chat"],
            SafeSearch = "strict", YouTube = "strict", ContentThreshold = 0.25, Tls = "intercept", DefaultAction = "allow",
            BlockBareAddresses = true, RiskySearchHelp = "replace",
        },
        ["ks2"] = new()
        {
            Description = "Ages 7–11",
            BlockedCategories = [.. s_harmful, "social-media", "chat", "games", "dating", "proxies", "alcohol-tobacco", "dns-over-https", "ai-chat"],
            SafeSearch = "strict", YouTube = "strict", ContentThreshold = 0.25, Tls = "intercept", DefaultAction = "allow",
            BlockBareAddresses = true, RiskySearchHelp = "replace",
        },
        ["secondary"] = new()
        {
            Description = "Ages 11–18",
            BlockedCategories = [.. s_harmful, "games", "dating", "proxies", "alcohol-tobacco", "dns-over-https"],
            SafeSearch = "strict", YouTube = "moderate", ContentThreshold = 0.45, Tls = "intercept", DefaultAction = "allow",
            BlockBareAddresses = true, RiskySearchHelp = "interrupt",
        },
        ["staff"] = new()
        {
            Description = "Staff: can research drugs, self-harm and violence for safeguarding and teaching",
            BlockedCategories = ["discrimination", "extremism", "gambling", "malware", "pornography", "piracy", "dating", "proxies", "dns-over-https"],
            SafeSearch = "moderate", YouTube = "moderate", ContentThreshold = 0.85, Tls = "intercept", DefaultAction = "allow",
            ConnectPorts = ["*"], OnScanFailure = "allow",
        },
        ["guest"] = new()
        {
            Description = "Visitors' own devices: no decryption (they do not trust the school CA)",
            BlockedCategories = [.. s_harmful, "dating", "proxies", "dns-over-https"],
            SafeSearch = "strict", YouTube = "moderate", ContentThreshold = 0.45, Tls = "splice", DefaultAction = "allow",
        },
    };

    public static IReadOnlyList<ScheduleConfig> Schedules { get; } =
    [
        new() { Name = "staff-contact-time-am", Profile = "staff", Days = ["mon-fri"], From = "08:45", To = "12:15", Action = "block", Categories = ["social-media"] },
        new() { Name = "staff-contact-time-pm", Profile = "staff", Days = ["mon-fri"], From = "13:15", To = "15:30", Action = "block", Categories = ["social-media"] },
        new() { Name = "secondary-lunch-games", Profile = "secondary", Days = ["mon-fri"], From = "12:15", To = "13:15", Action = "allow", Categories = ["games"] },
    ];
}
