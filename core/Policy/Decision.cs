using FilterProxy.Core.Categories;
using FilterProxy.Core.Domains;
using FilterProxy.Core.Lists;

namespace FilterProxy.Core.Policy;

/// <summary>
/// The answer: verdict, why, and everything needed to explain it. A struct of references to objects
/// built with the snapshot, so making one allocates nothing; <see cref="Explain"/> builds text on demand.
/// </summary>
public readonly partial struct Decision
{
    private readonly DomainSet? _matchSet;
    private readonly int _matchOffset;
    private readonly UrlPrefix? _matchUrl;

    internal Decision(
        Verdict verdict,
        DecisionReason reason,
        Profile profile,
        ClientGroup? group,
        CategorySet categories,
        Category? category,
        PolicyRule rule,
        ListOrigin? list,
        DomainSet? matchSet,
        int matchOffset,
        UrlPrefix? matchUrl,
        SearchEngine engine,
        SafeSearchLevel safeSearchLevel,
        bool profileFallback,
        DateTimeOffset time)
    {
        Verdict = verdict;
        Reason = reason;
        Profile = profile;
        Group = group;
        Categories = categories;
        Category = category;
        Rule = rule;
        List = list;
        _matchSet = matchSet;
        _matchOffset = matchOffset;
        _matchUrl = matchUrl;
        SafeSearchEngine = engine;
        SafeSearchLevel = safeSearchLevel;
        ProfileFallback = profileFallback;
        Time = time;
    }

    public Verdict Verdict { get; }

    public DecisionReason Reason { get; }

    public Profile Profile { get; }

    /// <summary>The client group whose network matched, if any.</summary>
    public ClientGroup? Group { get; }

    /// <summary>Every category the lists give this host or URL.</summary>
    public CategorySet Categories { get; }

    /// <summary>The category that decided (for category, schedule and sealed decisions).</summary>
    public Category? Category { get; }

    public PolicyRule Rule { get; }

    /// <summary>The list that put the host in <see cref="Category"/>.</summary>
    public ListOrigin? List { get; }

    public SearchEngine SafeSearchEngine { get; }

    public SafeSearchLevel SafeSearchLevel { get; }

    /// <summary>The requested profile was unknown, so the strictest (the unknown-client profile) was used.</summary>
    public bool ProfileFallback { get; }

    /// <summary>The instant the policy was evaluated for.</summary>
    public DateTimeOffset Time { get; }

    public bool IsBlocked => Verdict == Verdict.Block;

    /// <summary>The list entry that matched ("bad.example", "host/path"), or null (allocates).</summary>
    public string? MatchedEntry => _matchUrl?.ToString() ?? (_matchSet is null || _matchOffset < 0 ? null : _matchSet.NameAt(_matchOffset));

    /// <summary>For DNS: the safe endpoint to CNAME to, when safe search applies.</summary>
    public string? SafeSearchCname => Verdict == Verdict.AllowWithSafeSearch ? SafeSearch.CnameTarget(SafeSearchEngine, SafeSearchLevel) : null;
}
