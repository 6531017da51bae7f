using System.Security.Cryptography;
using FilterProxy.Core;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Events.Keywords;
using FilterProxy.Events.Pipeline;

namespace FilterProxy.Events.Alerts;

public enum AlertChangeKind
{
    /// <summary>A new alert: notify.</summary>
    Raised,
    /// <summary>A further matching event folded into an open alert (throttled): store, do not notify.</summary>
    Folded,
    /// <summary>The alert's severity went up (repetition): notify again.</summary>
    Escalated,
    /// <summary>Acknowledged, resolved or noted by a person.</summary>
    Updated,
}

public sealed record AlertChange(Alert Alert, AlertChangeKind Kind);

/// <summary>
/// Turns events into alerts, on the pipeline's writer (so an alert is raised before its event is even stored):
/// <list type="bullet">
/// <item>a blocked attempt in a category with a severity (self-harm, CSAM, terrorism → critical; extremism → high; …),</item>
/// <item>a search term the classifier scored at or above <see cref="AlertSettings.SearchRiskMin"/>,</item>
/// <item>a monitored keyword in a search term, URL or page explanation,</item>
/// <item>a circumvention attempt (VPN, proxy, DNS over HTTPS),</item>
/// <item>a pupil reaching a crisis help service (gentle: <see cref="AlertSettings.HelpServiceVisitSeverity"/>, for <see cref="AlertSettings.HelpServiceVisitProfiles"/>),</item>
/// <item>repetition: <see cref="AlertSettings.RepeatCount"/> blocked attempts within the window, escalating one level per further run.</item>
/// </list>
/// Per person and rule, matches within the throttle window fold into the open alert (its count grows) instead of
/// raising new ones, so the DSL is not flooded; a resolved alert starts afresh.
/// What it remembers (open alerts to fold into, people's recent blocked attempts) is bounded by
/// <paramref name="remembered"/> each; past that the least recently active is forgotten (<see cref="RecentTable{TKey, TValue}"/>).
/// </summary>
public sealed class AlertEngine(Func<AlertSettings> settings, Func<KeywordMatcher> keywords, TimeProvider time, Action<AlertChange> changed,
    int remembered = AlertEngine.MaxRemembered) : IEventObserver
{
    public const int MaxRemembered = 100_000;
    private readonly RecentTable<(string Subject, string Rule), Alert> _open = new(remembered);
    private readonly RecentTable<string, BlockedAttempts> _blocked = new(remembered);
    private readonly Lock _gate = new();

    /// <summary>Open alerts and people's attempt counts forgotten to stay within the bound, stale or not (for tests).</summary>
    public long Forgotten
    {
        get
        {
            lock (_gate)
            {
                return _open.Forgotten + _blocked.Forgotten;
            }
        }
    }

    public void Observe(IReadOnlyList<FilterEvent> batch)
    {
        AlertSettings s = settings();
        KeywordMatcher k = keywords();
        lock (_gate)
        {
            foreach (FilterEvent e in batch)
            {
                Evaluate(e, s, k);
            }
        }
    }

    private void Evaluate(FilterEvent e, AlertSettings s, KeywordMatcher keywordMatcher)
    {
        if (e.Subject is not { } subject)
        {
            return;
        }

        if (e.IsBlocked)
        {
            (Category Category, AlertSeverity Severity)? worst = null;
            foreach (string name in e.Categories)
            {
                if (Categories.TryParse(name, out Category? c) && s.Categories.TryGetValue(c.Value, out AlertSeverity sev) && (worst is null || sev > worst.Value.Severity))
                {
                    worst = (c.Value, sev);
                }
            }

            if (worst is { } w)
            {
                CategoryInfo info = Categories.Info(w.Category);
                Raise(e, subject, $"category:{info.Name}", w.Severity, $"Blocked attempt: {info.Title}", info.Name, s);
            }
        }

        if (EnumWords.TryParse(e.Risk, out AlertSeverity risk) && risk >= s.SearchRiskMin)
        {
            string theme = e.Theme ?? "unspecified";
            Raise(e, subject, $"search-risk:{theme}", risk, $"Worrying search ({theme})", theme, s);
        }

        Keyword? keyword = Strongest(null, keywordMatcher, e.SearchTerm);
        keyword = Strongest(keyword, keywordMatcher, e.Url);
        keyword = Strongest(keyword, keywordMatcher, e.Content);
        if (keyword is not null)
        {
            Raise(e, subject, $"keyword:{keyword.Theme}", keyword.Severity, $"Monitored keyword ({keyword.Theme}): \"{keyword.Phrase}\"", keyword.Theme, s);
        }

        if (e.Note is { } note && note.EndsWith(HelpServices.VisitNote, StringComparison.Ordinal) && e.Profile is { } profile && s.HelpServiceVisitProfiles.Contains(profile))
        {
            // Gentle: the pupil went to the right place; the DSL may want to know, and check in.
            Raise(e, subject, "help-service-visit", s.HelpServiceVisitSeverity, $"Visited a crisis help service ({e.Host})", "help-service", s);
        }

        if (e.Kind == EventKind.Circumvention)
        {
            Raise(e, subject, "circumvention", s.Circumvention, "Circumvention attempt (VPN, proxy or private DNS)", "circumvention", s);
        }

        if (e.IsBlocked)
        {
            Repetition(e, subject, s);
        }
    }

    /// <summary>The stronger of <paramref name="best"/> and the strongest keyword in <paramref name="text"/> (no array per event).</summary>
    private static Keyword? Strongest(Keyword? best, KeywordMatcher matcher, string? text)
    {
        IReadOnlyList<Keyword> found = matcher.Match(text);
        return found.Count > 0 && (best is null || found[0].Severity > best.Severity) ? found[0] : best;
    }

    private void Repetition(FilterEvent e, string subject, AlertSettings s)
    {
        BlockedAttempts attempts = _blocked.GetOrAdd(subject, static () => new BlockedAttempts()); // now the last to be forgotten
        int count = attempts.Add(e.Time, s.RepeatWindow);
        if (count >= s.RepeatCount && count % s.RepeatCount == 0)
        {
            int runs = count / s.RepeatCount;
            var severity = (AlertSeverity)Math.Min((int)AlertSeverity.Critical, (int)AlertSeverity.Medium + runs - 1);
            Raise(e, subject, "repeated-blocks", severity, $"Repeated blocked attempts ({count} within {s.RepeatWindow.TotalMinutes:0} minutes)", "repetition", s);
        }
    }

    private void Raise(FilterEvent e, string subject, string rule, AlertSeverity severity, string title, string? theme, AlertSettings s)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (e.Vulnerable == true)
        {
            severity = severity < AlertSeverity.Critical ? severity + 1 : severity; // a vulnerable pupil's alerts are one level more urgent
            title += " (vulnerable pupil)";
        }

        if (_open.TryGetValue((subject, rule), out Alert? open) && now - open.Updated < s.Throttle)
        {
            bool escalate = severity > open.Severity;
            Alert folded = open with
            {
                Count = open.Count + 1,
                Updated = now,
                Severity = escalate ? severity : open.Severity,
                Title = escalate ? title : open.Title,
                History = escalate ? [.. open.History, new AlertAction(now, "filterproxy", "escalated", $"{Alert.SeverityName(open.Severity)} → {Alert.SeverityName(severity)}")] : open.History,
            };
            _open.Set((subject, rule), folded);
            changed(new AlertChange(folded, escalate ? AlertChangeKind.Escalated : AlertChangeKind.Folded));
            return;
        }

        var alert = new Alert
        {
            Id = NewId(now),
            Created = now,
            Updated = now,
            Severity = severity,
            Rule = rule,
            Title = title,
            Theme = theme,
            Subject = subject,
            User = e.User,
            Device = e.Device,
            ClientIp = e.ClientIp,
            Node = e.Node,
            Trigger = e,
            History = [new AlertAction(now, "filterproxy", "raised")],
        };
        _open.Set((subject, rule), alert);
        changed(new AlertChange(alert, AlertChangeKind.Raised));
    }

    /// <summary>A person acted on an alert: keep the open copy in step (a resolved alert is no longer folded into).</summary>
    public void OnUpdated(Alert alert)
    {
        lock (_gate)
        {
            if (alert.Status == AlertStatus.Resolved)
            {
                _open.Remove((alert.Subject, alert.Rule));
            }
            else if (_open.TryGetValue((alert.Subject, alert.Rule), out Alert? open) && open.Id == alert.Id)
            {
                _open.Set((alert.Subject, alert.Rule), alert with { Count = Math.Max(alert.Count, open.Count) });
            }
        }
    }

    /// <summary>The open copy of an alert, when the engine is folding into it (newer than the store's until it is saved).</summary>
    public Alert? OpenCopy(string id)
    {
        lock (_gate)
        {
            return _open.Values.FirstOrDefault(a => a.Id == id);
        }
    }

    private static string NewId(DateTimeOffset now)
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
        Span<char> code = stackalloc char[6];
        for (int i = 0; i < code.Length; i++)
        {
            code[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return $"A{now:yyyyMMdd}-{code}";
    }
}
