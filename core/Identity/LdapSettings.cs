namespace FilterProxy.Core.Identity;

/// <summary>The directory (OpenLDAP or Active Directory) that checks passwords and names groups.</summary>
public sealed record LdapSettings
{
    public required Uri Url { get; init; }
    public string? BindDn { get; init; }
    public string? BindPassword { get; init; }
    public required string BaseDn { get; init; }
    public string UserFilter { get; init; } = "(|(uid={0})(sAMAccountName={0}))";
    public string GroupFilter { get; init; } = "(|(member={0})(uniqueMember={0})(memberUid={1}))";
    public string DisplayNameAttribute { get; init; } = "displayName";
    /// <summary>Group CN or DN (case-insensitive) → profile name.</summary>
    public IReadOnlyDictionary<string, string> GroupProfiles { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> VulnerableGroups { get; init; } = [];
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);
}
