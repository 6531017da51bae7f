using System.Security.Cryptography;
using FilterProxy.Admin.Shared;
using FilterProxy.Identity.Accounts;

namespace FilterProxy.Admin.Accounts;

public sealed record AccountsDocument(IReadOnlyList<AdminAccount> Accounts);

public enum SignInOutcome
{
    Ok,
    Wrong,
    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, AdminAccount? Account = null, DateTimeOffset? LockedUntil = null);

/// <summary>
/// The admin UI's accounts (<c>&lt;data&gt;/admin/accounts.json</c>, owner-only). There is no default account and no
/// default password: until the first administrator is created, the UI offers only first-run setup, which needs the
/// one-time code written to <c>&lt;data&gt;/admin/setup-code</c> (readable by whoever runs the gateway, not by the network).
/// Failed sign-ins lock the name for <see cref="LockoutMinutes"/> after <see cref="LockoutFailures"/> within that time.
/// </summary>
public sealed class AdminAccountStore
{
    public const int MinimumPasswordLength = 12;
    public const int LockoutFailures = 5;
    public const int LockoutMinutes = 15;

    private readonly JsonFileStore<AccountsDocument> _file;
    private readonly TimeProvider _time;
    private readonly int _iterations;
    private readonly Lock _failuresGate = new();
    private readonly Dictionary<string, (int Count, DateTimeOffset First, DateTimeOffset? LockedUntil)> _failures = new(StringComparer.OrdinalIgnoreCase);

    public AdminAccountStore(string directory, TimeProvider time, int iterations = PasswordHasher.DefaultIterations)
    {
        _file = new JsonFileStore<AccountsDocument>(Path.Combine(directory, "accounts.json"), static () => new AccountsDocument([]));
        _time = time;
        _iterations = iterations;
        SetupCodePath = Path.Combine(directory, "setup-code");
        if (NeedsSetup && !File.Exists(SetupCodePath))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(SetupCodePath, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(SetupCodePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    public string SetupCodePath { get; }

    public bool NeedsSetup => _file.Value.Accounts.Count == 0;

    public IReadOnlyList<AdminAccount> All => _file.Value.Accounts;

    public AdminAccount? Find(string? userName) =>
        userName is null ? null : _file.Value.Accounts.FirstOrDefault(a => string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why a new password is refused, or null when it is acceptable.</summary>
    public static string? CheckPassword(string? password, string userName) =>
        string.IsNullOrEmpty(password) || password.Length < MinimumPasswordLength ? $"use at least {MinimumPasswordLength} characters (a few unrelated words work well)"
        : password.Contains(userName, StringComparison.OrdinalIgnoreCase) ? "the password must not contain the user name"
        : null;

    /// <summary>Creates the first administrator (every role) when the code matches and no account exists yet.</summary>
    public async Task<(AdminAccount? Account, string? Error)> SetupAsync(string userName, string displayName, string password, string code)
    {
        string expected = File.Exists(SetupCodePath) ? (await File.ReadAllTextAsync(SetupCodePath).ConfigureAwait(false)).Trim() : "";
        if (expected.Length == 0 || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(code.Trim())))
        {
            return (null, $"the setup code does not match the one in {SetupCodePath}");
        }

        var (account, error) = await CreateAsync(userName, displayName, password, [.. AdminRoles.All.Where(static r => r != AdminRoles.Viewer)], pupilData: false, onlyIfNone: true).ConfigureAwait(false);
        if (account is not null)
        {
            File.Delete(SetupCodePath);
        }

        return (account, error);
    }

    public Task<(AdminAccount? Account, string? Error)> CreateAsync(string userName, string displayName, string password, IReadOnlyList<string> roles, bool pupilData) =>
        CreateAsync(userName, displayName, password, roles, pupilData, onlyIfNone: false);

    private async Task<(AdminAccount? Account, string? Error)> CreateAsync(string userName, string displayName, string password, IReadOnlyList<string> roles, bool pupilData, bool onlyIfNone)
    {
        userName = userName.Trim();
        if (userName.Length is 0 or > 64 || !userName.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            return (null, "the user name needs 1–64 letters, digits or . - _ @");
        }

        if (CheckPassword(password, userName) is { } weak)
        {
            return (null, weak);
        }

        if (roles.Count == 0 || roles.Any(static r => !AdminRoles.All.Contains(r)))
        {
            return (null, "choose at least one role");
        }

        var account = new AdminAccount
        {
            UserName = userName,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName : displayName.Trim(),
            PasswordHash = PasswordHasher.Hash(password, _iterations),
            Roles = roles,
            PupilData = pupilData,
            Stamp = NewStamp(),
            Created = _time.GetUtcNow(),
        };
        return await _file.UpdateAsync<(AdminAccount?, string?)>(doc =>
            onlyIfNone && doc.Accounts.Count > 0 ? (doc, (null, "setup has already been done: sign in instead"))
            : doc.Accounts.Any(a => string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase)) ? (doc, (null, $"there is already an account '{userName}'"))
            : (doc with { Accounts = [.. doc.Accounts, account] }, (account, null))).ConfigureAwait(false);
    }

    /// <summary>Changes roles, grant or disabled state; the stamp changes, so the person's open sessions end.</summary>
    public Task<AdminAccount?> UpdateAsync(string userName, IReadOnlyList<string> roles, bool pupilData, bool disabled) =>
        _file.UpdateAsync(doc =>
        {
            AdminAccount? current = doc.Accounts.FirstOrDefault(a => string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase));
            if (current is null)
            {
                return (doc, (AdminAccount?)null);
            }

            AdminAccount updated = current with { Roles = [.. roles.Where(AdminRoles.All.Contains)], PupilData = pupilData, Disabled = disabled, Stamp = NewStamp() };
            return (doc with { Accounts = [.. doc.Accounts.Select(a => ReferenceEquals(a, current) ? updated : a)] }, updated);
        });

    public async Task<SignInResult> SignInAsync(string userName, string password)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_failuresGate)
        {
            if (_failures.TryGetValue(userName, out var f) && f.LockedUntil > now)
            {
                return new SignInResult(SignInOutcome.LockedOut, LockedUntil: f.LockedUntil);
            }
        }

        AdminAccount? account = Find(userName);
        // Hash even for an unknown name, so the time taken does not tell which names exist.
        bool ok = account is { Disabled: false } ? await Task.Run(() => PasswordHasher.Verify(password, account.PasswordHash)).ConfigureAwait(false)
            : await Task.Run(() => PasswordHasher.Verify(password, s_dummyHash.Value)).ConfigureAwait(false) && false;
        lock (_failuresGate)
        {
            if (ok)
            {
                _failures.Remove(userName);
                return new SignInResult(SignInOutcome.Ok, account);
            }

            var f = _failures.TryGetValue(userName, out var seen) && now - seen.First < TimeSpan.FromMinutes(LockoutMinutes) ? seen : (0, now, null);
            f.Count++;
            if (f.Count >= LockoutFailures)
            {
                f.LockedUntil = now.AddMinutes(LockoutMinutes);
            }

            _failures[userName] = f;
            return f.LockedUntil is { } until ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: until) : new SignInResult(SignInOutcome.Wrong);
        }
    }

    private static readonly Lazy<string> s_dummyHash = new(static () => PasswordHasher.Hash(Guid.NewGuid().ToString()));

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
