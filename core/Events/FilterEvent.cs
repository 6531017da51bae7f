namespace FilterProxy.Core.Events;

public enum EventKind
{
    Http,
    HttpsSni,
    Dns,
    Search,
    BlockPageAction,
    Circumvention,
}

/// <summary>
/// One thing that happened: who (client, device, user, profile), what (host, URL, query type, search
/// term), and what FilterProxy did (verdict, reason, rule, list). Personal data: it goes to the event
/// store, never to console logs.
/// </summary>
public sealed record FilterEvent
{
    /// <summary>A short reference (shown on block pages, quoted in review requests); null when the path does not assign one.</summary>
    public string? Id { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required EventKind Kind { get; init; }
    private string? _node;
    private long _seq;

    /// <summary>The gateway node that saw it (set by the event pipeline).</summary>
    public string? Node { get => _node; init => _node = value; }
    /// <summary>The node's sequence number for this event (set by the event pipeline; with <see cref="Node"/> it names the event).</summary>
    public long Seq { get => _seq; init => _seq = value; }

    /// <summary>
    /// Names the event in place, on the pipeline's writer: an event handed to the pipeline is the pipeline's (a producer
    /// keeps reading what it wrote, never these two), so every request and query is not copied once more for two fields.
    /// </summary>
    internal void Stamp(string node, long seq)
    {
        _node = node;
        _seq = seq;
    }
    public string? ClientIp { get; init; }
    public string? Device { get; init; }
    public string? User { get; init; }
    /// <summary>The person's name as the school's records or directory give it.</summary>
    public string? DisplayName { get; init; }
    /// <summary>How the user or device was established: static, dhcp, proxy-auth, portal, header; "none" when unknown.</summary>
    public string? IdentitySource { get; init; }
    /// <summary>How far the user named can be trusted: high (a password or SSO agent), medium, low (a device's owner), none.</summary>
    public string? IdentityConfidence { get; init; }
    /// <summary>The person is flagged vulnerable: filtered more strictly, alerts one level more urgent. Null when not.</summary>
    public bool? Vulnerable { get; init; }
    public string? Profile { get; init; }
    public string? Method { get; init; }
    public string? Host { get; init; }
    public string? Url { get; init; }
    public string? SearchTerm { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public required string Verdict { get; init; }
    public string? Reason { get; init; }
    public string? Rule { get; init; }
    public string? List { get; init; }
    public int Status { get; init; }
    public long Bytes { get; init; }
    /// <summary>The content check's explanation: the phrases or n-grams that weighed most, and the score.</summary>
    public string? Content { get; init; }
    /// <summary>The content check's score for <see cref="Content"/>'s category (0–1), when a page was checked.</summary>
    public double? Score { get; init; }
    /// <summary>Safeguarding risk of the search term: none, low, medium, high, critical (set by the classifier when it scores the term).</summary>
    public string? Risk { get; init; }
    /// <summary>The risk's theme (self-harm, grooming, …).</summary>
    public string? Theme { get; init; }
    /// <summary>A note the user typed (block-page review and report actions), bounded.</summary>
    public string? Note { get; init; }
    public double LatencyMs { get; init; }

    // DNS
    public string? Protocol { get; init; }
    public string? QueryType { get; init; }
    public string? ResponseCode { get; init; }
    public bool CacheHit { get; init; }
    public string? Upstream { get; init; }
    public double? UpstreamMs { get; init; }
    /// <summary>
    /// DNS: this event counts the queries that repeated one with an event of its own (same client, name, type, profile
    /// and answer) within dns.repeatWindowSeconds: how many, the last at <see cref="Time"/>. Null: the event is one query.
    /// </summary>
    public int? Repeats { get; init; }

    /// <summary>How many requests or queries the event stands for (<see cref="Repeats"/>, or 1).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Count => Repeats ?? 1;

    // Derived, so never stored: [JsonIgnore] keeps them out of every stored, spooled and exported event.
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsBlocked => Verdict == "block";

    /// <summary>Who the event is about: the user when known, else the device, else the client address.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Subject => User ?? Device ?? ClientIp;

    /// <summary>The event kind as stored and queried (http, https-sni, dns, search, block-page-action, circumvention).</summary>
    public static string KindName(EventKind kind) => kind switch
    {
        EventKind.Http => "http",
        EventKind.HttpsSni => "https-sni",
        EventKind.Dns => "dns",
        EventKind.Search => "search",
        EventKind.BlockPageAction => "block-page-action",
        _ => "circumvention",
    };

    public static bool TryParseKind(string text, out EventKind kind)
    {
        foreach (EventKind k in Enum.GetValues<EventKind>())
        {
            if (string.Equals(KindName(k), text, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
