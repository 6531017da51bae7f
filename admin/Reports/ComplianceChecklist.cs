using FilterProxy.Core.Categories;
using FilterProxy.Core.Policy;

namespace FilterProxy.Admin.Reports;

public enum ComplianceState
{
    /// <summary>Met by this installation's live setting.</summary>
    Met,
    /// <summary>Possible here but switched off or not configured: the school should act.</summary>
    Off,
    /// <summary>Depends on something outside the gateway (the network, a supplier, the school's own policy): check it.</summary>
    Check,
    /// <summary>Not something FilterProxy does (yet).</summary>
    NotProvided,
}

public sealed record ComplianceLine(string Section, string Requirement, ComplianceState State, string Evidence);

/// <summary>What the compliance page needs besides the policy.</summary>
public sealed record ComplianceFacts(bool ApprovalRequired, bool AuditIntact, long AuditEntries, int Notifiers, int ReviewRequests, DateTimeOffset Now);

/// <summary>
/// The UK Safer Internet Centre's "appropriate filtering and monitoring" checklist (as the schools' policies copy it,
/// ../shared/REQUIREMENTS.md), line by line, against this installation's live policy — so the evidence is the setting
/// itself, and what is off is flagged.
/// </summary>
public static class ComplianceChecklist
{
    private static readonly Category[] s_managed =
        [Category.Discrimination, Category.Drugs, Category.Extremism, Category.Gambling, Category.Malware, Category.Pornography, Category.Piracy, Category.SelfHarm, Category.Violence];

    public static IReadOnlyList<ComplianceLine> Evaluate(PolicySnapshot s, ComplianceFacts f)
    {
        Profile[] pupils = [.. s.Profiles.Where(static p => p.Name != "staff" && p.Name != "guest")];
        string BlockedBy(Category c) => string.Join(", ", s.Profiles.Where(p => p.Blocked.Contains(c)).Select(static p => p.Name));
        bool AllPupils(Category c) => pupils.All(p => p.Blocked.Contains(c));
        int staleLists = s.Lists.Reports.Count(static r => r.Stale);
        var id = s.Identity;
        bool identity = id.Devices.Count + id.Leases.Count + id.PeopleFiles.Count + id.SignIn.Count > 0 || id.Ldap is not null;
        var alerts = s.Settings.Events.Alerts;
        const string F = "Filtering", M = "Monitoring", P = "School policies";
        List<ComplianceLine> lines =
        [
            new(F, "Member of the IWF; blocks illegal content including CSAM", ComplianceState.Check,
                $"csam and terrorism are sealed: blocked in every profile, never unblocked by exceptions ({BlockedBy(Category.Csam)}). The IWF list comes from your list supplier: check they are an IWF member and the list is configured."),
        ];
        foreach (Category c in s_managed)
        {
            lines.Add(new(F, $"Manages {Categories.Info(c).Title.ToLowerInvariant()}", AllPupils(c) ? ComplianceState.Met : ComplianceState.Off,
                $"blocked for: {(BlockedBy(c) is { Length: > 0 } b ? b : "no profile")}"));
        }

        lines.AddRange(
        [
            new(F, "Operational and up to date", staleLists == 0 ? ComplianceState.Met : ComplianceState.Off,
                $"policy version {s.Version} built {s.BuiltAt:yyyy-MM-dd HH:mm} UTC; {s.Lists.Reports.Count} lists, {staleLists} stale; {s.Lists.Domains.Count:N0} listed domains"),
            new(F, "Applied to all users, guest accounts, school-owned devices and devices on the school broadband", ComplianceState.Check,
                $"unknown clients get '{s.UnknownClientProfile.Name}'; {s.Groups.Count} client group(s); served to {string.Join(", ", s.Settings.AllowedClients)} — check every network routes through the gateway"),
            new(F, "Filters all internet feeds, including backup connections", s.Settings.TransparentHttpPort is null ? ComplianceState.Off : ComplianceState.Check,
                s.Settings.TransparentHttpPort is null ? "transparent listeners are off: only devices configured to use the proxy or DNS are filtered" : $"transparent listeners on {s.Settings.TransparentHttpPort}/{s.Settings.TransparentHttpsPort}; check the backup connection's router redirects too"),
            new(F, "Handles multilingual content, common misspellings and abbreviations", pupils.All(static p => p.ContentThreshold < 1) ? ComplianceState.Met : ComplianceState.Off,
                $"content check (classifier with character n-grams, normalisation of leetspeak and look-alikes) thresholds: {string.Join(", ", s.Profiles.Select(static p => $"{p.Name} {p.ContentThreshold:0.##}"))}"),
            new(F, "Images", ComplianceState.NotProvided, "images are filtered by their site's category only; there is no image analysis"),
            new(F, "Identifies and blocks VPNs, proxy services and DNS over HTTPS", AllPupils(Category.Proxies) && AllPupils(Category.DnsOverHttps) ? ComplianceState.Met : ComplianceState.Off,
                $"proxies blocked for {BlockedBy(Category.Proxies)}; DoH blocked for {BlockedBy(Category.DnsOverHttps)}; the DoH canary answers NXDOMAIN; pupils' CONNECT is limited to port 443"),
            new(F, "Alerts when content is blocked", ComplianceState.Met,
                $"alert rules for {alerts.Categories.Count} categories; repeated attempts ({alerts.RepeatCount} in {alerts.RepeatWindow.TotalMinutes:0} min) escalate"),
            new(F, "Age and ability appropriate; differentiated by age, vulnerability and risk", id.VulnerableProfiles.Count > 0 ? ComplianceState.Met : ComplianceState.Check,
                $"profiles: {string.Join(", ", s.Profiles.Select(static p => p.Name))}; vulnerable pupils' profiles {(id.VulnerableProfiles.Count > 0 ? "configured" : "not configured (identity.vulnerableProfiles)")}"),
            new(F, "Identifies device, IP address, the individual, time and date, and the search term or content", identity ? ComplianceState.Met : ComplianceState.Off,
                identity ? $"{id.Devices.Count} devices, {id.Leases.Count} lease file(s), {id.PeopleFiles.Count} people file(s), directory {(id.Ldap is null ? "none" : "configured")}, {id.SignIn.Count} sign-in rule(s); time, IP and search terms on every event"
                         : "no identity source configured: events carry the IP address and time but no device or person (configure identity)"),
            new(F, "Avoids over-blocking", ComplianceState.Met,
                $"allow entries per profile, curriculum exceptions ({s.Exceptions.Count}), and the block page's \"please review\" ({f.ReviewRequests} request(s) in the review queue's window); help pages are trained as safe"),
            new(F, "Varies filtering strength (e.g. staff)", s.Profiles.Any(static p => p.Name == "staff") ? ComplianceState.Met : ComplianceState.Off,
                string.Join("; ", s.Profiles.Select(static p => $"{p.Name}: {p.Blocked.Count} categories"))),
            new(F, "Permit or deny specific content; changes logged as an audit trail", f.AuditIntact ? ComplianceState.Met : ComplianceState.Off,
                $"{s.Profiles.Sum(static p => p.AllowEntries.Count)} allow and {s.Profiles.Sum(static p => p.DenyEntries.Count)} deny entries; audit trail {(f.AuditIntact ? "intact" : "BROKEN")} ({f.AuditEntries} entries, hash-chained)"),
            new(F, "Contextual content filters: content analysed as it is streamed", ComplianceState.Met,
                "HTML, text and JSON responses are read as they stream (first 256 KB, 500 ms budget) and classified before they are passed on"),
            new(F, "Group / multi-site management with central policy", s.Settings.Events.SharedPolicy ? ComplianceState.Met : ComplianceState.Check,
                s.Settings.Events.SharedPolicy ? "central policy through Redis: every node reloads within a second" : "single node (set events.store redis and events.sharedPolicy for several sites)"),
            new(F, "Network level; mobile and app content", s.Settings.DnsPort > 0 ? ComplianceState.Met : ComplianceState.Off,
                $"DNS filtering on port {s.Settings.DnsPort} (apps and devices that never use the proxy); DoH on {(s.Settings.Dns.DohPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off")}"),
            new(F, "Remote devices", ComplianceState.NotProvided, "devices off the school network are filtered only if they use the school's DoH endpoint or a VPN back to school"),
            new(F, "Safe search enforcement", pupils.All(static p => p.SafeSearch != SafeSearchLevel.Off) ? ComplianceState.Met : ComplianceState.Off,
                string.Join("; ", s.Profiles.Select(static p => $"{p.Name}: search {p.SafeSearch.ToString().ToLowerInvariant()}, YouTube {p.YouTube.ToString().ToLowerInvariant()}"))),
            new(F, "Reporting inappropriate content; clear history of sites accessed or attempted", ComplianceState.Met,
                $"block page \"report\"; every request recorded; kept {s.Settings.Events.Retention.Allowed.TotalDays:0} days (allowed) and {s.Settings.Events.Retention.Blocked.TotalDays:0} days (blocked)"),

            new(M, "Alerts for content, contact, conduct and commerce risks", s.Settings.Events.KeywordLists.Count > 0 ? ComplianceState.Met : ComplianceState.Check,
                $"category alerts; search-term risk ≥ {alerts.SearchRiskMin.ToString().ToLowerInvariant()} (self-harm, suicide, grooming, sexting, bullying, radicalisation, drugs, gambling, scams…); keyword lists: {(s.Settings.Events.KeywordLists.Count == 0 ? "the built-in list only" : string.Join(", ", s.Settings.Events.KeywordLists))}"),
            new(M, "An audit trail so that no one can change the strategy on their own", f.ApprovalRequired ? ComplianceState.Met : ComplianceState.Off,
                f.ApprovalRequired ? "policy changes need a second person's approval; every step is in the audit trail" : "approval is switched OFF: one person can change the policy (Changes page)"),
            new(M, "Keywords easily added and removed", ComplianceState.Check, "monitored keyword lists are files (events.keywordLists), re-read on change; not yet edited in this UI"),
            new(M, "Harmful image detection", ComplianceState.NotProvided, "no image analysis"),
            new(M, "Alerts recorded, communicated and escalated", f.Notifiers > 0 ? ComplianceState.Met : ComplianceState.Off,
                $"alerts stored with their chronology; live on the Alerts page; {(f.Notifiers > 0 ? $"{f.Notifiers} e-mail/webhook destination(s)" : "no e-mail or webhook configured: the DSL sees alerts only here (events.alerts.email / webhooks)")}"),

            new(P, "Unsuitable sites reported to the DSL with URL, time, date and content", ComplianceState.Met, "block page \"report\" → review queue, with URL, time and the reporter's note"),
            new(P, "Planned curricular access pre-approved and recorded", ComplianceState.Met,
                $"curriculum exceptions: {s.Exceptions.Count} recorded, {s.Exceptions.Count(e => e.StateAt(f.Now) == ExceptionState.Active)} active; approval by a second person enforced"),
            new(P, "Internet access may be suspended for a user", ComplianceState.Met, $"{s.SuspensionList.Count(p => p.IsActive(f.Now))} active suspension(s)"),
            new(P, "Users are told that network and internet use is monitored", ComplianceState.Check, "the block page says the school filters and records; tell users in the acceptable-use policy"),
            new(P, "Sustained high-volume traffic is not allowed", ComplianceState.Check, $"DNS rate limit {s.Settings.Dns.RateLimitPerSecond} queries/s per client; no bandwidth limit on the proxy"),
        ]);
        return lines;
    }
}
