using System.Globalization;
using System.Security.Claims;
using FilterProxy.Admin.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Admin.Auth;

/// <summary>
/// The admin session: an encrypted, HttpOnly, SameSite=Strict cookie (Secure whenever the UI is reached over HTTPS),
/// idle expiry of <see cref="IdleMinutes"/> (sliding) and at most <see cref="MaximumHours"/> in all. Each request checks
/// the account still exists, is enabled and has the same stamp, so a changed role or password takes effect at once.
/// </summary>
public static class AdminSignIn
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const int IdleMinutes = 30;
    public const int MaximumHours = 10;
    private const string StampClaim = "filterproxy:stamp";
    private const string SignedInClaim = "filterproxy:signed-in";
    private const string DisplayClaim = "filterproxy:display";

    public static ClaimsPrincipal Principal(AdminAccount account, DateTimeOffset now)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.Name, account.UserName),
            new(DisplayClaim, account.DisplayName),
            new(StampClaim, account.Stamp),
            new(SignedInClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            .. account.Roles.Select(static r => new Claim(ClaimTypes.Role, r)),
        ];
        if (account.SeesPupilData)
        {
            claims.Add(new Claim(ClaimTypes.Role, AdminRoles.PupilDataGrant));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(DisplayClaim) ?? user.Identity?.Name ?? "";

    /// <summary>Who is acting, as the audit trail and alert chronology record it.</summary>
    public static string Actor(this ClaimsPrincipal user) => "admin:" + (user.Identity?.Name ?? "unknown");

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        AdminAccountStore accounts = context.HttpContext.RequestServices.GetRequiredService<AdminAccountStore>();
        TimeProvider time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        ClaimsPrincipal? user = context.Principal;
        AdminAccount? account = accounts.Find(user?.Identity?.Name);
        bool tooOld = !long.TryParse(user?.FindFirstValue(SignedInClaim), NumberStyles.None, CultureInfo.InvariantCulture, out long signedIn)
            || time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(signedIn) > TimeSpan.FromHours(MaximumHours);
        if (account is null || account.Disabled || account.Stamp != user?.FindFirstValue(StampClaim) || tooOld)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    /// <summary>Pages redirect to sign-in; the API and the live feed answer 401/403 instead.</summary>
    public static Task Redirect(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (IsApi(context.Request))
        {
            context.Response.StatusCode = apiStatus;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/alerts/live", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
}
