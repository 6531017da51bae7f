using System.Net;
using System.Text;
using System.Text.Json;
using FilterProxy.Core.Content;

namespace FilterProxy.Http.Content;

/// <summary>
/// How a response stopped mid-stream ends, in a way its format allows: HTML gets an in-page notice (the block
/// page's wording and reference) after closing whatever element the page was in; server-sent events get a final
/// <c>filterproxy-blocked</c> event carrying the notice; JSON, NDJSON and plain text end cleanly, with nothing
/// that would break a parser.
/// </summary>
internal static class StreamNotice
{
    public const string EventName = "filterproxy-blocked";

    public static string Message(string? category, string reference) =>
        $"The rest of this was stopped by the school's web filter{(category is null ? "" : $" ({category})")}. "
        + $"If you think that is wrong, ask a teacher and quote reference {reference}.";

    public static byte[] For(ContentKind kind, string? category, string reference)
    {
        string message = Message(category, reference);
        return kind switch
        {
            ContentKind.Html => Encoding.UTF8.GetBytes(
                "<!-- FilterProxy --></script></style></textarea></noscript></template></select></table>"
                + "<div role=\"alert\" id=\"filterproxy-stopped\" style=\"all:initial;display:block;margin:1em;padding:1em;border:3px solid #b00;background:#fff;color:#000;font:16px/1.4 sans-serif\">"
                + "<strong>Stopped by the school's web filter</strong><br>" + WebUtility.HtmlEncode(message) + "</div></body></html>"),
            ContentKind.EventStream => Encoding.UTF8.GetBytes(
                $"event: {EventName}\ndata: {{\"filterProxy\":\"blocked\",\"message\":\"{JsonEncodedText.Encode(message)}\",\"reference\":\"{JsonEncodedText.Encode(reference)}\""
                + (category is null ? "" : $",\"category\":\"{JsonEncodedText.Encode(category)}\"") + "}\n\n"),
            _ => [],
        };
    }
}
