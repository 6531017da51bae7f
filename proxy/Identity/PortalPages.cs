using System.Net;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;
using FilterProxy.Identity.Accounts;

namespace FilterProxy.Identity;

/// <summary>
/// The captive portal, served by the gateway on any plain-HTTP host at <see cref="Path"/> (so it works for a client
/// whose DNS and routes all lead through the gateway): the sign-in form, the sign-in (the address is bound to the person
/// for a session: idle timeout and maximum length from the identity settings; the cookie names the session), and sign-out.
/// </summary>
internal sealed class PortalPages(IdentityStack identity, PolicySnapshotHolder policy, TimeProvider time)
{
    public const string Path = "/.filterproxy/portal";
    public const string SignOutPath = "/.filterproxy/signout";
    public const string Cookie = "filterproxy_session";

    public static bool Handles(string pathAndQuery) =>
        pathAndQuery.StartsWith(Path, StringComparison.Ordinal) || pathAndQuery.StartsWith(SignOutPath, StringComparison.Ordinal);

    /// <summary>Where an unidentified client's plain HTTP request goes: the form, remembering the page it wanted.</summary>
    public static void Redirect(HttpContext context, string host, string url)
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Location = $"http://{host}{Path}?return={Uri.EscapeDataString(url)}";
    }

    public async Task HandleAsync(HttpContext context, IPAddress client, string host)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        IdentitySettings settings = policy.Current.Identity;
        SignInRule? rule = settings.SignInFor(client);

        if (request.Path.StartsWithSegments(SignOutPath))
        {
            await SignOutAsync(context, client);
            return;
        }

        if (rule is null || !rule.Portal)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            await response.WriteAsync("<p>There is no sign-in page for this network.</p>");
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            string back = SafeReturn(request.Query["return"].ToString(), host);
            await response.WriteAsync(SignInPages.Form(back, null));
            return;
        }

        if (!request.HasFormContentType || request.ContentLength is > 8192)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            await response.WriteAsync(SignInPages.Form($"http://{host}/", "The sign-in form was not sent as expected; please try again."));
            return;
        }

        IFormCollection form = await request.ReadFormAsync();
        string user = form["username"].ToString().Trim();
        string password = form["password"].ToString();
        string returnUrl = SafeReturn(form["return"].ToString(), host);
        ProxyAuthMode mode = rule.ProxyAuth == ProxyAuthMode.Off ? ProxyAuthMode.Any : rule.ProxyAuth;
        AuthResult result = await identity.SignIn.SignInAsync(user, password, mode);
        if (result.Outcome != AuthOutcome.Success)
        {
            response.StatusCode = result.Outcome == AuthOutcome.Unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status403Forbidden;
            string why = result.Outcome switch
            {
                AuthOutcome.LockedOut => $"Too many wrong passwords for this user name. Try again in {settings.LockoutWindow.TotalMinutes:0} minutes.",
                AuthOutcome.Unavailable => "Sign-in is unavailable: the school directory cannot be reached. Please tell the IT technician.",
                _ => "The user name or password was not right.",
            };
            await response.WriteAsync(SignInPages.Form(returnUrl, why));
            return;
        }

        ClientIdentity who = identity.Resolver.ForUser(client, result.Person!, IdentitySource.Portal, time.GetUtcNow());
        SessionBinding binding = await identity.Sessions.BindAsync(client, who.User!, IdentitySource.Portal, settings.PortalMax, settings.PortalIdle,
            who.Person?.DisplayName, who.Profile, who.Vulnerable);
        response.Cookies.Append(Cookie, binding.Token!, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = settings.PortalMax });
        await response.WriteAsync(SignInPages.SignedIn(who.Person?.DisplayName ?? who.User!, returnUrl, settings.PortalIdle));
    }

    private async Task SignOutAsync(HttpContext context, IPAddress client)
    {
        // Only the browser that holds the session's cookie can end it (another page cannot sign a pupil out by a link).
        SessionBinding? current = identity.Sessions.Find(client, time.GetUtcNow());
        string? token = context.Request.Cookies[Cookie];
        if (!HttpMethods.IsPost(context.Request.Method) || current is null || current.Token != token)
        {
            context.Response.StatusCode = current is null ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync(current is null ? SignInPages.SignedOut() : "<p>Sign out from the page you signed in on.</p>");
            return;
        }

        await identity.Sessions.UnbindAsync(client);
        context.Response.Cookies.Delete(Cookie);
        await context.Response.WriteAsync(SignInPages.SignedOut());
    }

    /// <summary>Only an http(s) URL goes back as a link (no javascript: or other schemes); else the host's front page.</summary>
    private static string SafeReturn(string value, string host) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? u.ToString() : $"http://{host}/";
}
