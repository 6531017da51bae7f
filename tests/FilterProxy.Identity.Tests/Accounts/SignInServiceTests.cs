using FilterProxy.Core.Identity;
using FilterProxy.Identity.Accounts;
using FilterProxy.Tests.Common;

namespace FilterProxy.Identity.Tests.Accounts;

public sealed class SignInServiceTests
{
    private static readonly string s_hash = PasswordHasher.Hash("correct horse", 1_000);

    private static (SignInService Service, FakeTimeProvider Time) Create(int failures = 3)
    {
        var time = new FakeTimeProvider();
        var settings = new IdentitySettings { LockoutFailures = failures, LockoutWindow = TimeSpan.FromMinutes(10), AuthCache = TimeSpan.FromMinutes(5) };
        var accounts = new LocalAccounts(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["guest1"] = s_hash });
        return (new SignInService(() => settings, accounts, null, time), time);
    }

    [Fact]
    public void Hashes_verify_only_the_right_password_and_never_throw_on_garbage()
    {
        Assert.True(PasswordHasher.Verify("correct horse", s_hash));
        Assert.False(PasswordHasher.Verify("correct horse ", s_hash));
        Assert.False(PasswordHasher.Verify("x", "pbkdf2-sha256$1000$!!!$???"));
        Assert.False(PasswordHasher.Verify("x", "plain-text"));
        Assert.NotEqual(PasswordHasher.Hash("same", 1_000), PasswordHasher.Hash("same", 1_000)); // salted
    }

    [Fact]
    public async Task A_local_account_signs_in_and_a_wrong_password_or_unknown_user_does_not()
    {
        (SignInService s, _) = Create();
        AuthResult ok = await s.SignInAsync("GUEST1", "correct horse", ProxyAuthMode.Local);
        Assert.Equal(AuthOutcome.Success, ok.Outcome);
        Assert.Equal("guest1", ok.Person!.UserName);
        Assert.Equal(AuthOutcome.WrongPassword, (await s.SignInAsync("guest1", "wrong", ProxyAuthMode.Local)).Outcome);
        Assert.Equal(AuthOutcome.WrongPassword, (await s.SignInAsync("nobody", "correct horse", ProxyAuthMode.Local)).Outcome);
        Assert.Equal(AuthOutcome.WrongPassword, (await s.SignInAsync("guest1", "", ProxyAuthMode.Local)).Outcome);
        Assert.Equal(AuthOutcome.WrongPassword, (await s.SignInAsync("guest1", "correct horse", ProxyAuthMode.Off)).Outcome);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_name_even_for_the_right_password_until_the_window_passes()
    {
        (SignInService s, FakeTimeProvider time) = Create(failures: 3);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(AuthOutcome.WrongPassword, (await s.SignInAsync("guest1", "guess" + i, ProxyAuthMode.Local)).Outcome);
        }

        Assert.Equal(AuthOutcome.LockedOut, (await s.SignInAsync("guest1", "correct horse", ProxyAuthMode.Local)).Outcome);
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(AuthOutcome.Success, (await s.SignInAsync("guest1", "correct horse", ProxyAuthMode.Local)).Outcome);
    }

    [Fact]
    public async Task A_success_is_cached_so_the_same_credentials_cost_no_second_check()
    {
        (SignInService s, _) = Create();
        AuthResult first = await s.SignInAsync("guest1", "correct horse", ProxyAuthMode.Local);
        AuthResult second = await s.SignInAsync("guest1", "correct horse", ProxyAuthMode.Local);
        Assert.Same(first, second);
        s.Reconfigure(new LocalAccounts(new Dictionary<string, string>()), null); // account removed: the cache must not keep it alive
        Assert.Equal(AuthOutcome.WrongPassword, (await s.SignInAsync("guest1", "correct horse", ProxyAuthMode.Local)).Outcome);
    }
}
