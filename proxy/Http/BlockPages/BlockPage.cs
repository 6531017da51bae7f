using System.Net;
using System.Text;

namespace FilterProxy.Http.BlockPages;

/// <summary>
/// The page a blocked request gets: friendly for a six-year-old at the top, precise for a teacher below (category,
/// rule, reference, time), the notice that the network is monitored, and two actions that land in the event
/// store for the review queue: "ask for this to be reviewed" and "report something that should have been
/// blocked". Requests that do not want HTML get a short plain-text 403 (or 502/504) instead.
/// </summary>
internal static class BlockPage
{
    public const string ActionPath = "/.filterproxy/feedback";

    public static Task WriteAsync(HttpContext context, BlockInfo info, DateTimeOffset time)
    {
        HttpResponse response = context.Response;
        response.StatusCode = info.Status;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-FilterProxy-Reference"] = info.Reference;
        if (!WantsHtml(context.Request))
        {
            response.ContentType = "text/plain; charset=utf-8";
            return response.WriteAsync($"{Title(info.Kind)} (FilterProxy). {info.Explanation} Reference {info.Reference}.\n");
        }

        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(Html(info, time));
    }

    public static bool WantsHtml(HttpRequest request)
    {
        string accept = request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) || (accept.Length == 0 && HttpMethods.IsGet(request.Method) && request.Headers.UserAgent.ToString().Contains("Mozilla", StringComparison.Ordinal));
    }

    private static string Title(BlockKind kind) => kind switch
    {
        BlockKind.Certificate => "Stopped: the website's security certificate is not valid",
        BlockKind.Unreachable => "The website could not be reached",
        BlockKind.Timeout => "The website did not answer in time",
        _ => "Blocked",
    };

    private static string Html(BlockInfo info, DateTimeOffset time)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        (string heading, string friendly) = info.Kind switch
        {
            BlockKind.Policy or BlockKind.DnsOverHttps => ("This page is blocked", "This website is not available at school. If you think that is a mistake, ask your teacher, or press the button below to ask for it to be checked."),
            BlockKind.Content => ("This page is blocked", "Something on this page is not right for school, so it has been stopped. If you think that is a mistake, ask your teacher, or press the button below."),
            BlockKind.Certificate => ("This website is not safe to open", "The website's security certificate is not valid, so the connection was stopped to keep you safe. Please tell your teacher."),
            BlockKind.Timeout => ("This website is not answering", "The website took too long to answer. Try again in a little while."),
            BlockKind.Internal => ("This address is blocked", "This address belongs to the school's own network equipment, which cannot be reached through the web filter."),
            _ => ("This website cannot be reached", "The website could not be found or would not connect. Check the address, or try again later."),
        };
        var sb = new StringBuilder(4096);
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(E(heading)).Append(" – FilterProxy</title><style>");
        sb.Append("body{font-family:system-ui,sans-serif;background:#f4f7fb;color:#1b2430;margin:0;padding:1.5rem;line-height:1.5}");
        sb.Append("main{max-width:42rem;margin:auto;background:#fff;border-radius:1rem;padding:1.5rem 2rem;box-shadow:0 2px 8px #0002}");
        sb.Append("h1{font-size:2rem;margin:.2rem 0 1rem;color:#123c69}.big{font-size:1.25rem}.stop{font-size:3rem}");
        sb.Append("dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;background:#eef2f7;padding:1rem;border-radius:.5rem}dt{font-weight:600}dd{margin:0;word-break:break-all}");
        sb.Append("form{margin:1rem 0}label{display:block;font-weight:600;margin-bottom:.3rem}textarea,input[type=url]{width:100%;box-sizing:border-box;font:inherit;padding:.4rem;border:1px solid #6b7785;border-radius:.4rem}");
        sb.Append("button{font:inherit;font-size:1.05rem;padding:.6rem 1.1rem;border:0;border-radius:.5rem;background:#123c69;color:#fff;cursor:pointer;margin-top:.5rem}button:focus,textarea:focus,input:focus{outline:3px solid #f0a500}");
        sb.Append(".note{font-size:.95rem;color:#39434f}</style></head><body><main>");
        sb.Append("<div class=\"stop\" aria-hidden=\"true\">&#9995;</div><h1>").Append(E(heading)).Append("</h1>");
        sb.Append("<p class=\"big\">").Append(E(friendly)).Append("</p>");
        sb.Append("<h2>For your teacher</h2><dl>");
        sb.Append("<dt>Address</dt><dd>").Append(E(info.Url)).Append("</dd>");
        if (info.Category is not null)
        {
            sb.Append("<dt>Category</dt><dd>").Append(E(info.Category)).Append("</dd>");
        }

        if (info.Rule is not null)
        {
            sb.Append("<dt>Rule</dt><dd>").Append(E(info.Rule)).Append("</dd>");
        }

        sb.Append("<dt>Why</dt><dd>").Append(E(info.Explanation)).Append("</dd>");
        sb.Append("<dt>Profile</dt><dd>").Append(E(info.Profile)).Append("</dd>");
        sb.Append("<dt>Reference</dt><dd><strong>").Append(E(info.Reference)).Append("</strong></dd>");
        sb.Append("<dt>Time</dt><dd>").Append(time.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)).Append("</dd></dl>");
        sb.Append("<p class=\"note\">Use of this school's network and internet is monitored and recorded, to keep everyone safe.</p>");
        if (info.Kind is BlockKind.Policy or BlockKind.Content)
        {
            Form(sb, "review", "Ask for this page to be reviewed", "Why do you need this page? (optional)", info);
        }

        Form(sb, "report", "Report something that should have been blocked", "Which address, and what was wrong with it?", info);
        sb.Append("</main></body></html>");
        return sb.ToString();
    }

    private static void Form(StringBuilder sb, string action, string button, string label, BlockInfo info)
    {
        string id = "note-" + action;
        sb.Append("<form method=\"post\" action=\"").Append(ActionPath).Append("\">");
        sb.Append("<input type=\"hidden\" name=\"action\" value=\"").Append(action).Append("\">");
        sb.Append("<input type=\"hidden\" name=\"ref\" value=\"").Append(WebUtility.HtmlEncode(info.Reference)).Append("\">");
        sb.Append("<input type=\"hidden\" name=\"url\" value=\"").Append(WebUtility.HtmlEncode(info.Url)).Append("\">");
        sb.Append("<label for=\"").Append(id).Append("\">").Append(WebUtility.HtmlEncode(label)).Append("</label>");
        sb.Append("<textarea id=\"").Append(id).Append("\" name=\"note\" rows=\"2\" maxlength=\"1000\"></textarea>");
        sb.Append("<button type=\"submit\">").Append(WebUtility.HtmlEncode(button)).Append("</button></form>");
    }
}
