namespace FilterProxy.Admin.Accounts;

/// <summary>
/// A person who signs in to the admin UI. The password is kept only as a PBKDF2 hash. <see cref="Stamp"/> changes
/// whenever the password, roles or grants change, which ends that person's existing sessions.
/// </summary>
public sealed record AdminAccount
{
    public required string UserName { get; init; }
    public required string DisplayName { get; init; }
    public required string PasswordHash { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public bool PupilData { get; init; }
    public bool Disabled { get; init; }
    public required string Stamp { get; init; }
    public required DateTimeOffset Created { get; init; }

    public bool Has(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>May read pupils' histories and search terms: the DSL always, anyone else only when granted.</summary>
    public bool SeesPupilData => Has(AdminRoles.Dsl) || PupilData;
}
