using FilterProxy.Core.Categories;
using FilterProxy.Core.Domains;
using FilterProxy.Core.Lists;

namespace FilterProxy.Core.Policy;

public sealed partial class PolicySnapshot
{
    /// <summary>
    /// The one evaluator HTTP, HTTPS and DNS share. Precedence, highest first:
    /// sealed lists &gt; suspension &gt; exception &gt; deny &gt; allow &gt; bare address &gt; schedule &gt; category &gt; default.
    /// Safe search is then applied to any allow. Allocation-free unless the host is an IDN.
    /// A help service (<see cref="HelpServices"/>) that anything but the sealed lists would block is allowed instead:
    /// looked up only when the answer is a block, so allowed traffic pays nothing for it.
    /// </summary>
    public Decision Evaluate(in FilterRequest request, DateTimeOffset now)
    {
        Decision decision = EvaluateRules(request, now);
        if (decision.IsBlocked && decision.Reason is not (DecisionReason.Sealed or DecisionReason.Invalid)
            && HostName.TryPrepare(request.Host, out ReadOnlySpan<char> host, out bool isIp) && !isIp && Settings.HelpServices.Contains(host))
        {
            return WithSafeSearch(Plain(Verdict.Allow, DecisionReason.HelpService, decision.Profile, decision.Group, decision.Categories, s_helpRule,
                decision.ProfileFallback, decision.Time), host);
        }

        return decision;
    }

    private Decision EvaluateRules(in FilterRequest request, DateTimeOffset now)
    {
        if (request.Time != default)
        {
            now = request.Time;
        }

        ClientGroup? group = request.Client is null || Groups.Count == 0 ? null : GroupMap.Find(request.Client);
        Profile profile = ResolveProfile(request.Profile, group, out bool fallback);
        if (request.Vulnerable)
        {
            profile = Stricter(profile);
        }

        if (!HostName.TryPrepare(request.Host, out ReadOnlySpan<char> host, out bool isIp))
        {
            return new Decision(Verdict.Block, DecisionReason.Invalid, profile, group, CategorySet.Empty, null, _invalidRule, null, null, -1, null, SearchEngine.None, SafeSearchLevel.Off, fallback, now);
        }

        ReadOnlySpan<char> path = request.PathAndQuery;
        ReadOnlySpan<char> scheme = request.Scheme;

        // Lists: the categories of the host (and URL).
        var matches = default(DomainMatches);
        CategorySet categories = Lists.CategoriesOf(host, isIp, ref matches);
        UrlPrefix? urlMatch = path.IsEmpty || Lists.Urls.Count == 0 ? null : Lists.Urls.Match(host, path);
        if (urlMatch is not null)
        {
            categories = categories.Union(Lists.TagAt(urlMatch.Value).Adds);
        }

        // 1. Sealed: illegal content, for everyone.
        CategorySet sealedHits = categories.Intersect(Categories.Categories.Sealed);
        if (!sealedHits.IsEmpty)
        {
            return Listed(Verdict.Block, DecisionReason.Sealed, profile, group, categories, sealedHits.First()!.Value, null, urlMatch, ref matches, fallback, now);
        }

        // 2. Suspension.
        if (Suspensions.All.Count > 0 && Suspensions.Find(request.User, request.Client, now) is { } suspension)
        {
            return Plain(Verdict.Block, DecisionReason.Suspended, profile, group, categories, suspension.Rule, fallback, now);
        }

        // 3. Curriculum exception (approved, current, for this profile or group).
        if (!ExceptionRules.IsEmpty)
        {
            var filter = new ExceptionFilter(profile, group, now);
            if (ExceptionRules.Find(host, isIp, scheme, path, ref filter) is { } exception)
            {
                return WithSafeSearch(Plain(Verdict.Allow, DecisionReason.Exception, profile, group, categories, exception.Rule, fallback, now), host);
            }
        }

        // 4. Deny, 5. Allow.
        var all = default(AcceptAll<PolicyRule>);
        if (profile.Deny.Find(host, isIp, scheme, path, ref all) is { } deny)
        {
            return Plain(Verdict.Block, DecisionReason.Deny, profile, group, categories, deny, fallback, now);
        }

        if (profile.Allow.Find(host, isIp, scheme, path, ref all) is { } allow)
        {
            return WithSafeSearch(Plain(Verdict.Allow, DecisionReason.Allow, profile, group, categories, allow, fallback, now), host);
        }

        // 5b. A bare IP address, for a profile that blocks them: lists name sites, so an address goes round them.
        if (isIp && profile.BlockBareAddresses && !profile.AllowsAddress(host))
        {
            return Plain(Verdict.Block, DecisionReason.Address, profile, group, categories, profile.AddressRule, fallback, now);
        }

        // 6. Schedules adjust which categories are blocked right now.
        CategorySet blocked = profile.Blocked;
        ScheduleRule? blockedBy = null;
        ScheduleRule? allowedBy = null;
        if (profile.Schedules.Length > 0 && !categories.IsEmpty)
        {
            DateTimeOffset local = TimeZoneInfo.ConvertTime(now, TimeZone);
            var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
            CategorySet scheduleBlocks = CategorySet.Empty;
            CategorySet scheduleAllows = CategorySet.Empty;
            foreach (ScheduleRule schedule in profile.Schedules)
            {
                if (!schedule.Categories.Overlaps(categories) || !schedule.IsActive(local.DayOfWeek, time))
                {
                    continue;
                }

                if (schedule.Action == ScheduleAction.Block)
                {
                    scheduleBlocks = scheduleBlocks.Union(schedule.Categories);
                    blockedBy ??= schedule;
                }
                else
                {
                    scheduleAllows = scheduleAllows.Union(schedule.Categories);
                    allowedBy ??= schedule;
                }
            }

            // A block window wins over an allow window for the same category (fail closed).
            blocked = blocked.Except(scheduleAllows.Except(scheduleBlocks)).Union(scheduleBlocks);
        }

        // 7. Categories.
        CategorySet hits = categories.Intersect(blocked);
        if (!hits.IsEmpty)
        {
            Category deciding = hits.First()!.Value;
            if (blockedBy is not null && blockedBy.Categories.Contains(deciding) && !profile.Blocked.Contains(deciding))
            {
                return Listed(Verdict.Block, DecisionReason.Schedule, profile, group, categories, deciding, blockedBy.Rule, urlMatch, ref matches, fallback, now);
            }

            return Listed(Verdict.Block, DecisionReason.Category, profile, group, categories, deciding, profile.CategoryRule(deciding), urlMatch, ref matches, fallback, now);
        }

        if (allowedBy is not null && categories.Overlaps(profile.Blocked))
        {
            return WithSafeSearch(Plain(Verdict.Allow, DecisionReason.Schedule, profile, group, categories, allowedBy.Rule, fallback, now), host);
        }

        // 8. Default.
        return profile.DefaultBlock
            ? Plain(Verdict.Block, DecisionReason.Default, profile, group, categories, profile.DefaultRule, fallback, now)
            : WithSafeSearch(Plain(Verdict.Allow, DecisionReason.Default, profile, group, categories, profile.DefaultRule, fallback, now), host);
    }

    /// <summary>The profile a client gets when nothing else identifies it: its group's, else the unknown-client profile.</summary>
    public Profile ProfileFor(System.Net.IPAddress? client) =>
        ResolveProfile(null, client is null || Groups.Count == 0 ? null : GroupMap.Find(client), out _);

    /// <summary>Which profile applies: explicit (identity or CLI) &gt; client group &gt; the unknown-client profile.</summary>
    public Profile ResolveProfile(string? requested, ClientGroup? group, out bool fallback)
    {
        fallback = false;
        if (requested is not null)
        {
            if (_profiles.TryGetValue(requested, out Profile? named))
            {
                return named;
            }

            fallback = true; // fail closed: an unknown profile name gets the strictest
            return UnknownClientProfile;
        }

        return group?.Profile ?? UnknownClientProfile;
    }

    /// <summary>The profile a vulnerable person gets instead of <paramref name="profile"/> (itself when none is mapped).</summary>
    public Profile Stricter(Profile profile) =>
        Identity.VulnerableProfiles.TryGetValue(profile.Name, out string? stricter) && _profiles.TryGetValue(stricter, out Profile? p) ? p : profile;

    private Decision Listed(Verdict verdict, DecisionReason reason, Profile profile, ClientGroup? group, CategorySet categories, Category category, PolicyRule? rule, UrlPrefix? urlMatch, ref DomainMatches matches, bool fallback, DateTimeOffset now)
    {
        // Name the list and the entry: the URL entry if it carried the category, else the most specific domain.
        ListOrigin? origin = null;
        DomainSet? set = null;
        int offset = -1;
        if (urlMatch is not null && Lists.TagAt(urlMatch.Value).Adds.Contains(category))
        {
            origin = Lists.TagAt(urlMatch.Value).OriginOf(category);
        }
        else
        {
            urlMatch = null;
            for (int i = matches.Count - 1; i >= 0; i--)
            {
                CategoryTag tag = Lists.TagAt(Lists.Domains.ValueAt(matches[i]));
                if (tag.Adds.Contains(category))
                {
                    origin = tag.OriginOf(category);
                    set = Lists.Domains;
                    offset = matches[i];
                    break;
                }
            }
        }

        return new Decision(verdict, reason, profile, group, categories, category, rule ?? _sealedRules[(int)category], origin, set, offset, urlMatch, SearchEngine.None, SafeSearchLevel.Off, fallback, now);
    }

    private static Decision Plain(Verdict verdict, DecisionReason reason, Profile profile, ClientGroup? group, CategorySet categories, PolicyRule rule, bool fallback, DateTimeOffset now) =>
        new(verdict, reason, profile, group, categories, null, rule, null, null, -1, null, SearchEngine.None, SafeSearchLevel.Off, fallback, now);

    private static Decision WithSafeSearch(in Decision decision, ReadOnlySpan<char> host)
    {
        SearchEngine engine = SafeSearch.Detect(host);
        if (engine == SearchEngine.None)
        {
            return decision;
        }

        SafeSearchLevel level = engine == SearchEngine.YouTube ? decision.Profile.YouTube : decision.Profile.SafeSearch;
        return level == SafeSearchLevel.Off
            ? decision
            : new Decision(Verdict.AllowWithSafeSearch, decision.Reason, decision.Profile, decision.Group, decision.Categories, decision.Category, decision.Rule, decision.List, null, -1, null, engine, level, decision.ProfileFallback, decision.Time);
    }

    private readonly struct ExceptionFilter(Profile profile, ClientGroup? group, DateTimeOffset now) : IRuleFilter<CurriculumException>
    {
        public bool Accept(CurriculumException item) => item.AppliesTo(profile, group, now);
    }
}
