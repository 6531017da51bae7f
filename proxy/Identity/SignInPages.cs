using System.Net;
using System.Text;

namespace FilterProxy.Identity;

/// <summary>The pages of signing in: the 407 challenge, "directory down", and the captive portal's form and results.</summary>
internal static class SignInPages
{
    public const string Realm = "FilterProxy";
    public static readonly string Challenge = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";

    /// <summary>407 (or 503 when the directory is down) with a page that says exactly why.</summary>
    public static Task WriteChallengeAsync(HttpContext context, ChallengeKind kind, string detail)
    {
        HttpResponse response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (kind == ChallengeKind.DirectoryDown)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = "30";
        }
        else
        {
            response.StatusCode = StatusCodes.Status407ProxyAuthenticationRequired;
            response.Headers.ProxyAuthenticate = Challenge;
        }

        response.ContentType = "text/html; charset=utf-8";
        string title = kind switch
        {
            ChallengeKind.LockedOut => "Sign-in locked for now",
            ChallengeKind.DirectoryDown => "Sign-in is unavailable",
            _ => "Please sign in",
        };
        return response.WriteAsync(Page(title, $"<p>{E(detail)}</p><p class=\"small\">Your school's internet is filtered and monitored by FilterProxy.</p>"));
    }

    /// <summary>The raw text of the same 407 for a CONNECT (written before Kestrel's HTTP server is involved).</summary>
    public static string ConnectChallenge(ChallengeKind kind, string detail)
    {
        string body = $"{(kind == ChallengeKind.DirectoryDown ? "Sign-in is unavailable" : "Proxy sign-in required")} (FilterProxy). {detail}\n";
        string status = kind == ChallengeKind.DirectoryDown ? "503 Service Unavailable\r\nRetry-After: 30" : $"407 Proxy Authentication Required\r\nProxy-Authenticate: {Challenge}";
        return $"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}";
    }

    public static string Form(string returnUrl, string? message) => Page("Sign in to use the internet",
        (message is null ? "" : $"<p class=\"error\" role=\"alert\">{E(message)}</p>") +
        $"""
        <form method="post" action="{PortalPages.Path}">
        <input type="hidden" name="return" value="{E(returnUrl)}">
        <label for="u">School user name</label><input id="u" name="username" autocomplete="username" required autofocus>
        <label for="p">Password</label><input id="p" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        <p class="small">Everything you do on the school network is filtered and recorded with your name.</p>
        """);

    public static string SignedIn(string user, string returnUrl, TimeSpan idle) => Page("You are signed in",
        $"<p>Signed in as <strong>{E(user)}</strong>. You stay signed in on this device until you sign out" +
        (idle > TimeSpan.Zero ? $" or leave it unused for {idle.TotalMinutes:0} minutes" : "") + ".</p>" +
        $"<p><a href=\"{E(returnUrl)}\">Continue to the page you wanted</a></p>" +
        $"<form method=\"post\" action=\"{PortalPages.SignOutPath}\"><button type=\"submit\">Sign out</button></form>");

    public static string SignedOut() => Page("You are signed out", $"<p>This device is no longer signed in. <a href=\"{PortalPages.Path}\">Sign in again</a>.</p>");

    /// <summary>Inside an intercepted HTTPS tunnel: the person must sign in first (on plain HTTP, where the portal lives).</summary>
    public static string SignInFirst(string host) => Page("Please sign in first",
        $"<p>This network needs you to sign in before you can browse.</p><p><a href=\"http://{E(host)}{PortalPages.Path}\">Sign in here</a></p>");

    private static string Page(string title, string body)
    {
        var sb = new StringBuilder(2048);
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(E(title)).Append(" – FilterProxy</title><style>");
        sb.Append("body{font-family:system-ui,sans-serif;background:#f4f7fb;color:#1b2430;margin:0;padding:1.5rem;line-height:1.5}");
        sb.Append("main{max-width:30rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 8px #0002}");
        sb.Append("label{display:block;margin-top:.8rem;font-weight:600}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}");
        sb.Append("button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;background:#1d4ed8;color:#fff;border:0;border-radius:6px}");
        sb.Append(".error{color:#9b1c1c;font-weight:600}.small{font-size:.9rem;color:#4b5563}</style></head><body><main>");
        sb.Append("<h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
