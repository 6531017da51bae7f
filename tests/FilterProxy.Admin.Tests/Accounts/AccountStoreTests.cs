using FilterProxy.Admin.Accounts;
using FilterProxy.Tests.Common;

namespace FilterProxy.Admin.Tests.Accounts;

public sealed class AccountStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Accounts_are_kept_hashed_and_owner_only()
    {
        var store = new AdminAccountStore(_dir.Path, TimeProvider.System, 10_000);
        (AdminAccount? account, string? error) = await store.CreateAsync("dsl", "Deputy Head", AdminFixture.Password, [AdminRoles.Dsl], pupilData: false);
        Assert.True(account is not null, error);
        string file = Path.Combine(_dir.Path, "accounts.json");
        string text = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain(AdminFixture.Password, text, StringComparison.Ordinal);
        Assert.Contains("pbkdf2-sha256$10000$", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Equal(SignInOutcome.Ok, (await new AdminAccountStore(_dir.Path, TimeProvider.System, 10_000).SignInAsync("DSL", AdminFixture.Password)).Outcome);
    }

    [Fact]
    public async Task A_damaged_accounts_file_stops_the_ui_instead_of_reopening_setup()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "accounts.json"), "{ \"accounts\": [ broken");
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => new AdminAccountStore(_dir.Path, TimeProvider.System, 10_000));
        Assert.Contains("accounts.json", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", "at least 12")]
    [InlineData("my name is teacher-one ok", "must not contain the user name")]
    public void Weak_passwords_are_refused_with_the_reason(string password, string reason) =>
        Assert.Contains(reason, AdminAccountStore.CheckPassword(password, "teacher-one"), StringComparison.Ordinal);

    public void Dispose() => _dir.Dispose();
}
