using System.Text.Json;
using FilterProxy.Core.Events;

namespace FilterProxy.Events.Serialization;

/// <summary>
/// Writes a <see cref="FilterEvent"/> in exactly the shape the generated serializer gives it (same names, order, omitted
/// nulls, kebab-case kind, number and date formats), without its per-property metadata walk: every proxied request and
/// every DNS query is written once, so this sits on the logging hot path. Reading stays with the generated context.
/// A test writes thousands of varied events both ways and compares the bytes; a property added to the record
/// must be added here too (the test fails until it is).
/// </summary>
internal static class FilterEventWriter
{
    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText s_time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText s_kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText s_node = JsonEncodedText.Encode("node");
    private static readonly JsonEncodedText s_seq = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText s_clientIp = JsonEncodedText.Encode("clientIp");
    private static readonly JsonEncodedText s_device = JsonEncodedText.Encode("device");
    private static readonly JsonEncodedText s_user = JsonEncodedText.Encode("user");
    private static readonly JsonEncodedText s_displayName = JsonEncodedText.Encode("displayName");
    private static readonly JsonEncodedText s_identitySource = JsonEncodedText.Encode("identitySource");
    private static readonly JsonEncodedText s_identityConfidence = JsonEncodedText.Encode("identityConfidence");
    private static readonly JsonEncodedText s_vulnerable = JsonEncodedText.Encode("vulnerable");
    private static readonly JsonEncodedText s_profile = JsonEncodedText.Encode("profile");
    private static readonly JsonEncodedText s_method = JsonEncodedText.Encode("method");
    private static readonly JsonEncodedText s_host = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText s_url = JsonEncodedText.Encode("url");
    private static readonly JsonEncodedText s_searchTerm = JsonEncodedText.Encode("searchTerm");
    private static readonly JsonEncodedText s_categories = JsonEncodedText.Encode("categories");
    private static readonly JsonEncodedText s_verdict = JsonEncodedText.Encode("verdict");
    private static readonly JsonEncodedText s_reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText s_rule = JsonEncodedText.Encode("rule");
    private static readonly JsonEncodedText s_list = JsonEncodedText.Encode("list");
    private static readonly JsonEncodedText s_status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText s_bytes = JsonEncodedText.Encode("bytes");
    private static readonly JsonEncodedText s_content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText s_score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText s_risk = JsonEncodedText.Encode("risk");
    private static readonly JsonEncodedText s_theme = JsonEncodedText.Encode("theme");
    private static readonly JsonEncodedText s_note = JsonEncodedText.Encode("note");
    private static readonly JsonEncodedText s_latencyMs = JsonEncodedText.Encode("latencyMs");
    private static readonly JsonEncodedText s_protocol = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText s_queryType = JsonEncodedText.Encode("queryType");
    private static readonly JsonEncodedText s_responseCode = JsonEncodedText.Encode("responseCode");
    private static readonly JsonEncodedText s_cacheHit = JsonEncodedText.Encode("cacheHit");
    private static readonly JsonEncodedText s_upstream = JsonEncodedText.Encode("upstream");
    private static readonly JsonEncodedText s_upstreamMs = JsonEncodedText.Encode("upstreamMs");
    private static readonly JsonEncodedText s_repeats = JsonEncodedText.Encode("repeats");

    private static readonly JsonEncodedText[] s_kinds = Enum.GetValues<EventKind>()
        .Select(k => JsonEncodedText.Encode(FilterEvent.KindName(k)))
        .ToArray();

    public static void Write(Utf8JsonWriter w, FilterEvent e)
    {
        w.WriteStartObject();
        Text(w, s_id, e.Id);
        w.WriteString(s_time, e.Time);
        w.WriteString(s_kind, s_kinds[(int)e.Kind]);
        Text(w, s_node, e.Node);
        w.WriteNumber(s_seq, e.Seq);
        Text(w, s_clientIp, e.ClientIp);
        Text(w, s_device, e.Device);
        Text(w, s_user, e.User);
        Text(w, s_displayName, e.DisplayName);
        Text(w, s_identitySource, e.IdentitySource);
        Text(w, s_identityConfidence, e.IdentityConfidence);
        if (e.Vulnerable is { } vulnerable)
        {
            w.WriteBoolean(s_vulnerable, vulnerable);
        }

        Text(w, s_profile, e.Profile);
        Text(w, s_method, e.Method);
        Text(w, s_host, e.Host);
        Text(w, s_url, e.Url);
        Text(w, s_searchTerm, e.SearchTerm);
        if (e.Categories is { } categories)
        {
            w.WriteStartArray(s_categories);
            for (int i = 0; i < categories.Count; i++)
            {
                w.WriteStringValue(categories[i]);
            }

            w.WriteEndArray();
        }

        Text(w, s_verdict, e.Verdict);
        Text(w, s_reason, e.Reason);
        Text(w, s_rule, e.Rule);
        Text(w, s_list, e.List);
        w.WriteNumber(s_status, e.Status);
        w.WriteNumber(s_bytes, e.Bytes);
        Text(w, s_content, e.Content);
        Number(w, s_score, e.Score);
        Text(w, s_risk, e.Risk);
        Text(w, s_theme, e.Theme);
        Text(w, s_note, e.Note);
        w.WriteNumber(s_latencyMs, e.LatencyMs);
        Text(w, s_protocol, e.Protocol);
        Text(w, s_queryType, e.QueryType);
        Text(w, s_responseCode, e.ResponseCode);
        w.WriteBoolean(s_cacheHit, e.CacheHit);
        Text(w, s_upstream, e.Upstream);
        Number(w, s_upstreamMs, e.UpstreamMs);
        if (e.Repeats is { } repeats)
        {
            w.WriteNumber(s_repeats, repeats);
        }
        w.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, JsonEncodedText name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
