using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Core.Events;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FilterProxy.Admin.Pages;

/// <summary>First-run setup: creates the first administrator once, with the code from the data folder; gone afterwards.</summary>
[AllowAnonymous]
public sealed class SetupModel(AdminAccountStore accounts, IEventStore store, TimeProvider time) : FormPageModel
{
    public string CodePath => accounts.SetupCodePath;
    public string? UserName { get; private set; }
    public string? DisplayName { get; private set; }

    public IActionResult OnGet() => accounts.NeedsSetup ? Page() : Redirect("/signin");

    public async Task<IActionResult> OnPostAsync(string? code, string? userName, string? displayName, string? password)
    {
        if (!accounts.NeedsSetup)
        {
            return Redirect("/signin");
        }

        UserName = userName;
        DisplayName = displayName;
        (AdminAccount? account, string? error) = await accounts.SetupAsync(userName ?? "", displayName ?? "", password ?? "", code ?? "");
        if (account is null)
        {
            Fail(error!);
            return Page();
        }

        DateTimeOffset now = time.GetUtcNow();
        await store.AppendAuditAsync(new AuditRecord(now, "admin:" + account.UserName, "admin.setup", "account/" + account.UserName, "first administrator created"), HttpContext.RequestAborted);
        await HttpContext.SignInAsync(AdminSignIn.Scheme, AdminSignIn.Principal(account, now));
        return Redirect("/");
    }
}
