using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http;

/// <summary>Builds the events the HTTP paths hand to the pipeline (after the response: the client never waits on logging).</summary>
internal static class HttpEvents
{
    public const int MaxUrlLength = 2048;
    private static readonly string[] s_reasons = [.. Enum.GetNames<DecisionReason>().Select(static n => n.ToLowerInvariant())];

    public static string Reason(in Decision decision) => s_reasons[(int)decision.Reason];

    public static IReadOnlyList<string> CategoryNames(in Decision decision, CategoryScore? content = null)
    {
        if (decision.Categories.IsEmpty && content is null)
        {
            return [];
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
