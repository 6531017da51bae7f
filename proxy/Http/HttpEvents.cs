using System.Diagnostics;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;
using FilterProxy.Core.Events;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http;

/// <summary>Builds the events the HTTP paths hand to the pipeline (after the response: the client never waits on logging).</summary>
internal static class HttpEvents
{
    public const int MaxUrlLength = 2048;
    private static readonly string[] s_reasons = [.. Enum.GetNames<DecisionReason>().Select(static n => n.ToLowerInvariant())];

    public static string Reason(in Decision decision) => s_reasons[(int)decision.Reason];

    /// <summary>Who asked and when: taken when a request or tunnel starts, so the event's latency covers the whole of it.</summary>
    public readonly record struct Origin(string Reference, DateTimeOffset Time, long Started, string ClientText, string? Method)
    {
        /// <summary>Who it was (set once the request or tunnel is identified).</summary>
        public ClientIdentity? Identity { get; init; }

        public static Origin Start(string clientText, string? method, DateTimeOffset now) =>
            new(ReferenceIds.Next(), now, Stopwatch.GetTimestamp(), clientText, method);
    }

    /// <summary>What was decided and done for one request or tunnel.</summary>
    public readonly record struct Outcome(EventKind Kind, string Verdict, string Reason, string Rule, int Status, long Bytes = 0);

    public static FilterEvent Create(in Origin o, in Decision decision, in Outcome outcome, string host, string protocol,
        string? url = null, string? searchTerm = null, CategoryScore? content = null, string? contentText = null, string? note = null) => new()
    {
        Id = o.Reference,
        Time = o.Time,
        Kind = outcome.Kind,
        ClientIp = o.ClientText,
        Device = o.Identity?.DeviceLabel,
        User = o.Identity?.User,
        DisplayName = o.Identity?.Person?.DisplayName,
        IdentitySource = o.Identity?.SourceName ?? "none",
        IdentityConfidence = o.Identity?.Confidence ?? "none",
        Vulnerable = o.Identity?.Vulnerable == true ? true : null,
        Profile = decision.Profile.Name,
        Method = o.Method,
        Host = host,
        Url = url is null ? null : Bound(url),
        SearchTerm = searchTerm,
        Categories = CategoryNames(decision, content),
        Verdict = outcome.Verdict,
        Reason = outcome.Reason,
        Rule = outcome.Rule,
        List = decision.List?.ToString(),
        Status = outcome.Status,
        Bytes = outcome.Bytes,
        LatencyMs = Stopwatch.GetElapsedTime(o.Started).TotalMilliseconds,
        Content = contentText,
        Score = content?.Score,
        Protocol = protocol,
        Note = note,
    };

    public static IReadOnlyList<string> CategoryNames(in Decision decision, CategoryScore? content = null)
    {
        if (content is null || decision.Categories.Contains(content.Category))
        {
            return Categories.NamesOf(decision.Categories);
        }

        var names = new List<string>(decision.Categories.Count + 1);
        foreach (Category c in decision.Categories)
        {
            names.Add(Categories.NameOf(c));
        }

        if (content is not null && !decision.Categories.Contains(content.Category))
        {
            names.Add(Categories.NameOf(content.Category));
        }

        return names;
    }

    public static string Bound(string url) => url.Length <= MaxUrlLength ? url : url[..MaxUrlLength];

    public static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Block => "block",
        Verdict.AllowWithSafeSearch => "allow-with-safe-search",
        _ => "allow",
    };

    /// <summary>The kind of an HTTP request's event: circumvention beats search beats plain http.</summary>
    public static EventKind KindOf(in Decision decision, bool blocked, bool dohRequest, string? searchTerm) =>
        (blocked && decision.Categories.Overlaps(Categories.Circumvention)) || dohRequest ? EventKind.Circumvention
        : searchTerm is not null ? EventKind.Search
        : EventKind.Http;
}
