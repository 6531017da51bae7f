using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Accounts;

/// <summary>Accounts kept in the configuration (hashed); the person's details come from the people import when present.</summary>
public sealed class LocalAccounts(IReadOnlyDictionary<string, string> accounts) : IPasswordChecker
{
    // Compared against when the user does not exist, so a wrong name costs as long as a wrong password.
    private static readonly string s_dummy = PasswordHasher.Hash("not a password");

    public bool Has(string user) => accounts.ContainsKey(user);

    public Task<AuthResult> CheckAsync(string user, string password, CancellationToken cancellationToken)
    {
        bool known = accounts.TryGetValue(user, out string? hash);
        bool ok = PasswordHasher.Verify(password, hash ?? s_dummy) && known;
        return Task.FromResult(ok ? new AuthResult(AuthOutcome.Success, new Person { UserName = accounts.Keys.First(k => k.Equals(user, StringComparison.OrdinalIgnoreCase)) }) : AuthResult.Wrong);
    }
}
