using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Core.Events;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FilterProxy.Admin.Pages;

[AllowAnonymous]
public sealed class SignInModel(AdminAccountStore accounts, IEventStore store, TimeProvider time) : FormPageModel
{
    public string? UserName { get; private set; }
    public string ReturnUrl { get; private set; } = "/";

    public IActionResult OnGet(string? returnUrl)
    {
        if (accounts.NeedsSetup)
        {
            return Redirect("/setup");
        }

        ReturnUrl = Local(returnUrl);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? userName, string? password, string? returnUrl)
    {
        UserName = userName;
        ReturnUrl = Local(returnUrl);
        Accounts.SignInResult result = await accounts.SignInAsync(userName ?? "", password ?? "");
        DateTimeOffset now = time.GetUtcNow();
        switch (result.Outcome)
        {
            case SignInOutcome.Ok:
                await store.AppendAuditAsync(new AuditRecord(now, "admin:" + result.Account!.UserName, "admin.signin", "session", null), HttpContext.RequestAborted);
                await HttpContext.SignInAsync(AdminSignIn.Scheme, AdminSignIn.Principal(result.Account, now));
                return LocalRedirect(ReturnUrl);
            case SignInOutcome.LockedOut:
                await store.AppendAuditAsync(new AuditRecord(now, "admin:" + (userName ?? ""), "admin.signin.locked", "session", $"locked until {result.LockedUntil:u}"), HttpContext.RequestAborted);
                Fail($"Too many wrong passwords: this account is locked until {result.LockedUntil:HH:mm} UTC.", StatusCodes.Status401Unauthorized);
                break;
            default:
                Fail("The user name or password is wrong.", StatusCodes.Status401Unauthorized);
                break;
        }

        return Page();
    }

    private string Local(string? url) => url is not null && Url.IsLocalUrl(url) ? url : "/";
}
