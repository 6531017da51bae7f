using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Accounts;

/// <summary>Accounts kept in the configuration (hashed); the person's details come from the people import when present.</summary>
public sealed class LocalAccounts(IReadOnlyDictionary<string, string> accounts)
{
    // Compared against when the user does not exist, so a wrong name costs as long as a wrong password.
    private static readonly string s_dummy = PasswordHasher.Hash("not a password");

    // Matched case-insensitively; the account keeps its own spelling of the name.
    private readonly Dictionary<string, (string Name, string Hash)> _accounts =
        accounts.ToDictionary(static a => a.Key, static a => (a.Key, a.Value), StringComparer.OrdinalIgnoreCase);

    public bool Has(string user) => _accounts.ContainsKey(user);

    public Task<AuthResult> CheckAsync(string user, string password)
    {
        bool known = _accounts.TryGetValue(user, out (string Name, string Hash) account);
        bool ok = PasswordHasher.Verify(password, known ? account.Hash : s_dummy) && known;
        return Task.FromResult(ok ? new AuthResult(AuthOutcome.Success, new Person { UserName = account.Name }) : AuthResult.Wrong);
    }
}
