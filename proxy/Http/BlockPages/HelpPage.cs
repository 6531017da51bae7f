using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace FilterProxy.Http.BlockPages;

/// <summary>
/// What a pupil sees instead of the results of a search that scored high or critical for safeguarding risk: a calm
/// page that names the help services first (Childline, Samaritans, Shout, NHS 111, 999, or the school's own
/// <c>helpContacts</c>), says the school can help, and —
/// where the profile allows it — a way on to the results. The DSL's alert comes from the search's event.
/// </summary>
internal sealed class HelpPage(TimeProvider time)
{
    public const string ContinuePath = "/.filterproxy/continue";
    private static readonly TimeSpan s_offerLife = TimeSpan.FromMinutes(15), s_passLife = TimeSpan.FromMinutes(2);
    private const int MaxOpen = 10_000;

    // Offers (a reference → who was shown the page, for which URL) and passes (the next request for that URL from that
    // client goes on to the results). Bounded; expired entries are dropped when the table is full.
    private readonly ConcurrentDictionary<string, (string Client, string Url, DateTimeOffset Until)> _offers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Client, string Url), DateTimeOffset> _passes = new();

    public Task WriteAsync(HttpContext context, string reference, string url, string client, bool mayContinue, IReadOnlyList<string> contacts)
    {
        if (mayContinue)
        {
            Trim(_offers, static v => v.Until);
            _offers[reference] = (client, url, time.GetUtcNow() + s_offerLife);
        }

        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-FilterProxy-Reference"] = reference;
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(Html(reference, mayContinue, contacts));
    }

    /// <summary>
    /// A prompt to an AI chat service that scored high or critical: the help in place of the answer. A chat app
    /// asking for server-sent events gets it as the answer itself (an OpenAI-style delta, then a
    /// <c>filterproxy-help</c> event), which such apps show in the conversation; anything else gets the help page.
    /// Where the profile lets the pupil go on, sending the message again does, once.
    /// </summary>
    public Task WriteAnswerAsync(HttpContext context, string reference, string url, string client, bool mayContinue, IReadOnlyList<string> contacts)
    {
        if (mayContinue)
        {
            Trim(_passes, static v => v);
            _passes[(client, url)] = time.GetUtcNow() + s_passLife;
        }

        if (!context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return WriteAsync(context, reference, url, client, mayContinue: false, contacts);
        }

        var text = new StringBuilder("It sounds like things might be hard right now. Talking to someone can help, and you can do it today, for free:");
        foreach (string line in contacts)
        {
            text.Append("\n- ").Append(line);
        }

        text.Append("\nYou can also talk to a teacher or any adult you trust at school. They want to help.");
        if (mayContinue)
        {
            text.Append("\nIf you still want an answer, send your message again.");
        }

        string encoded = System.Text.Json.JsonEncodedText.Encode(text.ToString()).ToString();
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-FilterProxy-Reference"] = reference;
        response.ContentType = "text/event-stream; charset=utf-8";
        return response.WriteAsync(
            $"data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":\"{encoded}\"}}}}]}}\n\n"
            + $"event: filterproxy-help\ndata: {{\"filterproxy\":\"help\",\"message\":\"{encoded}\",\"reference\":\"{reference}\"}}\n\n"
            + "data: [DONE]\n\n");
    }

    /// <summary>The pupil chose to go on: the next request for that search from that client is let through, once.</summary>
    public Task ContinueAsync(HttpContext context, string client)
    {
        string reference = context.Request.Query["ref"].ToString();
        // Only the pupil who was shown the page can use its link (another client's try leaves it in place).
        if (_offers.TryGetValue(reference, out var offer) && offer.Client == client && _offers.TryRemove(reference, out _) && offer.Until > time.GetUtcNow())
        {
            Trim(_passes, static v => v);
            _passes[(client, offer.Url)] = time.GetUtcNow() + s_passLife;
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = offer.Url;
            context.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsync("This link has expired. Search again.\n");
    }

    public bool TakePass(string client, string url) =>
        _passes.TryRemove((client, url), out DateTimeOffset until) && until > time.GetUtcNow();

    private void Trim<TKey, TValue>(ConcurrentDictionary<TKey, TValue> table, Func<TValue, DateTimeOffset> until) where TKey : notnull
    {
        if (table.Count < MaxOpen)
        {
            return;
        }

        DateTimeOffset now = time.GetUtcNow();
        foreach (KeyValuePair<TKey, TValue> entry in table)
        {
            if (until(entry.Value) <= now || table.Count >= MaxOpen)
            {
                table.TryRemove(entry.Key, out _);
            }
        }
    }

    internal static string Html(string reference, bool mayContinue, IReadOnlyList<string> contacts)
    {
        var sb = new StringBuilder(3072);
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>You are not alone</title><style>");
        sb.Append("body{font-family:system-ui,sans-serif;background:#f3f8f4;color:#1b2430;margin:0;padding:1.5rem;line-height:1.6}");
        sb.Append("main{max-width:40rem;margin:auto;background:#fff;border-radius:1rem;padding:1.5rem 2rem;box-shadow:0 2px 8px #0002}");
        sb.Append("h1{font-size:1.9rem;color:#1d5a3a;margin:.2rem 0 1rem}li{margin:.5rem 0}.big{font-size:1.2rem}a{color:#123c69}.note{font-size:.95rem;color:#39434f}");
        sb.Append("</style></head><body><main><h1>You are not alone</h1>");
        sb.Append("<p class=\"big\">It sounds like things might be hard right now. Talking to someone can help, and you can do it today, for free:</p><ul>");
        foreach (string line in contacts)
        {
            sb.Append("<li>").Append(WebUtility.HtmlEncode(line)).Append("</li>");
        }

        sb.Append("</ul>");
        sb.Append("<p class=\"big\">You can also talk to a teacher or any adult you trust at school. They want to help.</p>");
        if (mayContinue)
        {
            sb.Append("<p><a href=\"").Append(ContinuePath).Append("?ref=").Append(WebUtility.UrlEncode(reference)).Append("\">Continue to the search results</a></p>");
        }

        sb.Append("<p class=\"note\">Reference ").Append(WebUtility.HtmlEncode(reference)).Append(". Use of this school's network is monitored to keep everyone safe.</p>");
        sb.Append("</main></body></html>");
        return sb.ToString();
    }
}
