using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Core.Events;
using Microsoft.AspNetCore.Authorization;

namespace FilterProxy.Admin.Pages;

[Authorize(Policy = AdminPolicies.Administrator)]
public sealed class AccountsModel(AdminAccountStore accounts, IEventStore store, TimeProvider time) : FormPageModel
{
    public IReadOnlyList<AdminAccount> Accounts => accounts.All;

    public void OnGet()
    {
    }

    public async Task OnPostAsync(string? userName, string? displayName, string? password, string[]? roles, bool pupilData, CancellationToken cancellationToken)
    {
        (AdminAccount? account, string? error) = await accounts.CreateAsync(userName ?? "", displayName ?? "", password ?? "", roles ?? [], pupilData);
        if (account is null)
        {
            Fail(error!);
            return;
        }

        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), User.Actor(), "admin.account.created", "account/" + account.UserName,
            $"roles {string.Join(", ", account.Roles)}; pupil data {(account.SeesPupilData ? "yes" : "no")}"), cancellationToken);
        Done = $"Account {account.UserName} added.";
    }
}
