namespace FilterProxy.Core.Configuration;

// The configuration file as written by people: every property optional, strings for enums and times
// so the validator can say exactly what is wrong. PolicyCompiler turns it into immutable objects.
// Dictionaries (profiles, groups) are keyed by name so a file or an environment variable can change
// one profile without repeating the others.

public sealed class FilterProxyConfig
{
    public string? DataDirectory { get; set; }
    public string? TimeZone { get; set; }
    public ListenConfig? Listen { get; set; }
    public List<string>? AllowedClients { get; set; }
    public string? UnknownClientProfile { get; set; }
    public Dictionary<string, ProfileConfig?>? Profiles { get; set; }
    public Dictionary<string, GroupConfig?>? Groups { get; set; }
    public List<ScheduleConfig?>? Schedules { get; set; }
    public List<ExceptionConfig?>? Exceptions { get; set; }
    public List<SuspensionConfig?>? Suspensions { get; set; }
    public List<ListConfig?>? Lists { get; set; }
    /// <summary>The offline starter set of best-known adult, gambling, piracy and phishing names (default on).</summary>
    public bool? StarterLists { get; set; }
    /// <summary>More help services (host names, covering their subdomains) that nothing but the sealed lists may block.</summary>
    public List<string>? HelpServices { get; set; }
    /// <summary>The lines the help page lists (who to call or text), replacing the built-in UK services.</summary>
    public List<string>? HelpContacts { get; set; }
    public DnsConfig? Dns { get; set; }
    public HttpConfig? Http { get; set; }
    public EventsConfig? Events { get; set; }
    public IdentityConfig? Identity { get; set; }
    public MetricsConfig? Metrics { get; set; }
}

public sealed class MetricsConfig
{
    public bool? Enabled { get; set; }
    public string? BearerToken { get; set; }
    public string? OtlpEndpoint { get; set; }
    /// <summary>grpc or http/protobuf.</summary>
    public string? OtlpProtocol { get; set; }
    public int? OtlpIntervalSeconds { get; set; }
}

public sealed class EventsConfig
{
    /// <summary>sqlite (default, embedded) or redis.</summary>
    public string? Store { get; set; }
    public string? Redis { get; set; }
    public string? RedisPrefix { get; set; }
    public string? NodeId { get; set; }
    public bool? SharedPolicy { get; set; }
    public RetentionConfig? Retention { get; set; }
    public List<string>? KeywordLists { get; set; }
    public AlertsConfig? Alerts { get; set; }
}

public sealed class RetentionConfig
{
    public int? AllowedDays { get; set; }
    public int? BlockedDays { get; set; }
    public int? AlertDays { get; set; }
}

public sealed class AlertsConfig
{
    public Dictionary<string, string?>? Categories { get; set; }
    public string? SearchRiskMin { get; set; }
    public int? RepeatCount { get; set; }
    public int? RepeatMinutes { get; set; }
    public int? ThrottleMinutes { get; set; }
    public string? CircumventionSeverity { get; set; }
    public List<string>? HelpServiceVisitProfiles { get; set; }
    public string? HelpServiceVisitSeverity { get; set; }
    public List<WebhookConfig?>? Webhooks { get; set; }
    public EmailConfig? Email { get; set; }
}

public sealed class WebhookConfig
{
    public string? Url { get; set; }
    public string? MinSeverity { get; set; }
}

public sealed class EmailConfig
{
    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }
    public bool? EnableSsl { get; set; }
    public string? From { get; set; }
    public List<string>? To { get; set; }
    public string? MinSeverity { get; set; }
}

public sealed class HttpConfig
{
    public bool? ContentCheck { get; set; }
    public List<string>? NeverIntercept { get; set; }
    public int? ConnectTimeoutMs { get; set; }
    public int? ScanMaxBytes { get; set; }
    public int? ScanTimeoutMs { get; set; }
    public int? MaxConnectionsPerClient { get; set; }
    public int? InterceptFallbackMinutes { get; set; }
    public int? TunnelIdleSeconds { get; set; }
    public List<string>? GoogleAllowedDomains { get; set; }
    public List<string>? MicrosoftTenants { get; set; }
    public string? MicrosoftTenantContext { get; set; }
    public List<string>? TrustedUpstreamCaFiles { get; set; }
    public List<string>? PhraseLists { get; set; }
    public string? ContentModel { get; set; }
    public string? SearchModel { get; set; }
    public List<string>? AllowInternalDestinations { get; set; }
    public List<string>? RefuseDestinations { get; set; }
    public bool? RefuseServiceHosts { get; set; }
    public List<string>? AiChatEndpoints { get; set; }
}

public sealed class DnsConfig
{
    public List<string>? Upstreams { get; set; }
    public int? UpstreamTimeoutMs { get; set; }
    public string? BlockResponse { get; set; }
    public string? BlockPageAddress { get; set; }
    public string? BlockPageAddressV6 { get; set; }
    public int? BlockTtl { get; set; }
    public Dictionary<string, List<string>?>? LocalNames { get; set; }
    public int? CacheSize { get; set; }
    public int? MinTtl { get; set; }
    public int? MaxTtl { get; set; }
    public int? NegativeTtl { get; set; }
    public int? RateLimitPerSecond { get; set; }
    public int? RepeatWindowSeconds { get; set; }
    public int? DohPort { get; set; }
    public List<string>? DohHostNames { get; set; }
}

public sealed class ListenConfig
{
    public string? Address { get; set; }
    public int? ProxyPort { get; set; }
    public int? DnsPort { get; set; }
    public int? AdminPort { get; set; }
    public int? TransparentHttpPort { get; set; }
    public int? TransparentHttpsPort { get; set; }
}

public sealed class ProfileConfig
{
    public string? Description { get; set; }
    public string? BasedOn { get; set; }
    public List<string>? BlockedCategories { get; set; }
    public string? SafeSearch { get; set; }
    public string? YouTube { get; set; }
    public double? ContentThreshold { get; set; }
    public string? Tls { get; set; }
    public List<string>? ConnectPorts { get; set; }
    public string? OnScanFailure { get; set; }
    public string? DefaultAction { get; set; }
    public List<string>? Allow { get; set; }
    public List<string>? Deny { get; set; }
    public bool? BlockBareAddresses { get; set; }
    public List<string>? AllowAddresses { get; set; }
    /// <summary>off, interrupt (help first, then a way to the results) or replace (help instead of the results).</summary>
    public string? RiskySearchHelp { get; set; }
}

public sealed class GroupConfig
{
    public string? Profile { get; set; }
    public List<string>? Networks { get; set; }
}

public sealed class ScheduleConfig
{
    public string? Name { get; set; }
    public string? Profile { get; set; }
    public List<string>? Days { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Action { get; set; }
    public List<string>? Categories { get; set; }
}

public sealed class ExceptionConfig
{
    public string? Id { get; set; }
    public string? Profile { get; set; }
    public string? Group { get; set; }
    public string? Target { get; set; }
    public DateTimeOffset? Start { get; set; }
    public DateTimeOffset? End { get; set; }
    /// <summary>The account that recorded the request (the admin UI fills in the signed-in account).</summary>
    public string? RequestedBy { get; set; }
    /// <summary>The teacher (or class) it is for; free text, never compared with the approver.</summary>
    public string? Teacher { get; set; }
    public string? ApprovedBy { get; set; }
    public string? Reason { get; set; }
}

public sealed class SuspensionConfig
{
    public string? User { get; set; }
    public string? Client { get; set; }
    public DateTimeOffset? From { get; set; }
    public DateTimeOffset? Until { get; set; }
    public string? Reason { get; set; }
    public string? By { get; set; }
}

public sealed class ListConfig
{
    public string? Name { get; set; }
    public string? Format { get; set; }
    public string? Source { get; set; }
    public string? Category { get; set; }
    public Dictionary<string, string?>? CategoryMap { get; set; }
    public double? RefreshMinutes { get; set; }
}

public sealed class IdentityConfig
{
    public List<DeviceConfig?>? Devices { get; set; }
    public List<LeaseConfig?>? Leases { get; set; }
    public List<string>? People { get; set; }
    public LdapConfig? Ldap { get; set; }
    public List<AccountConfig?>? Accounts { get; set; }
    public Dictionary<string, string?>? RoleProfiles { get; set; }
    public Dictionary<string, string?>? YearProfiles { get; set; }
    public Dictionary<string, string?>? VulnerableProfiles { get; set; }
    public List<SignInConfig?>? SignIn { get; set; }
    public int? AuthCacheSeconds { get; set; }
    public int? LockoutFailures { get; set; }
    public int? LockoutMinutes { get; set; }
    public int? PortalIdleSeconds { get; set; }
    public int? PortalMaxHours { get; set; }
    public int? SessionSyncSeconds { get; set; }
}

public sealed class DeviceConfig
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Mac { get; set; }
    public string? Ip { get; set; }
    public string? Owner { get; set; }
    public string? Type { get; set; }
    public string? Profile { get; set; }
}

public sealed class LeaseConfig
{
    public string? Path { get; set; }
    /// <summary>isc (dhcpd.leases), dnsmasq, or kea (Kea's memfile CSV).</summary>
    public string? Format { get; set; }
}

public sealed class LdapConfig
{
    /// <summary>ldap://host:port (ldaps:// for TLS).</summary>
    public string? Url { get; set; }
    public string? BindDn { get; set; }
    public string? BindPassword { get; set; }
    public string? BaseDn { get; set; }
    /// <summary>The search that finds a user by name; {0} is the escaped user name. Default (|(uid={0})(sAMAccountName={0})).</summary>
    public string? UserFilter { get; set; }
    /// <summary>The search that finds a user's groups; {0} is the user's DN, {1} the user name. Default (|(member={0})(memberUid={1})(uniqueMember={0})).</summary>
    public string? GroupFilter { get; set; }
    public string? DisplayNameAttribute { get; set; }
    /// <summary>Group (CN or full DN) → profile. A user in several mapped groups gets the strictest of them.</summary>
    public Dictionary<string, string?>? GroupProfiles { get; set; }
    /// <summary>Group (CN or DN) whose members are treated as vulnerable.</summary>
    public List<string>? VulnerableGroups { get; set; }
    public int? TimeoutMs { get; set; }
}

public sealed class AccountConfig
{
    public string? User { get; set; }
    /// <summary>pbkdf2-sha256$iterations$salt$hash, as printed by `identity hash-password`.</summary>
    public string? PasswordHash { get; set; }
}

public sealed class SignInConfig
{
    public List<string>? Networks { get; set; }
    /// <summary>off, local, ldap, or any (local accounts first, then LDAP).</summary>
    public string? ProxyAuth { get; set; }
    /// <summary>Refuse unidentified clients on the explicit proxy (407) instead of filtering them as unknown.</summary>
    public bool? Required { get; set; }
    /// <summary>Redirect unidentified clients' plain HTTP to the sign-in page (transparent mode).</summary>
    public bool? Portal { get; set; }
    public string? TrustedHeader { get; set; }
    public List<string>? TrustedHeaderFrom { get; set; }
}
