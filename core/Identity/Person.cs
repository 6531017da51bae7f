namespace FilterProxy.Core.Identity;

public enum PersonRole
{
    Pupil,
    Staff,
    Guest,
}

/// <summary>
/// A pupil, member of staff or guest: from the school's import (CSV/JSON) or the directory (LDAP). The profile
/// follows the person: an explicit override, else the directory groups, else year group, else role.
/// </summary>
public sealed record Person
{
    public required string UserName { get; init; }
    public string? DisplayName { get; init; }
    public PersonRole Role { get; init; } = PersonRole.Pupil;
    public string? YearGroup { get; init; }
    public string? Class { get; init; }
    /// <summary>An explicit profile for this person (overrides year group and role).</summary>
    public string? Profile { get; init; }
    /// <summary>Filtering is stricter (the profile's vulnerable mapping) and alerts one level more urgent.</summary>
    public bool Vulnerable { get; init; }
    /// <summary>Directory groups (CN), when the person came from LDAP.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];
}
