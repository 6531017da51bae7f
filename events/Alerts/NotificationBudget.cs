using FilterProxy.Core.Events;

namespace FilterProxy.Events.Alerts;

/// <summary>
/// How many alerts of one rule are sent to people one by one per window; the rest of that window's are held and sent
/// as one summary when it ends. Throttling per person and rule cannot stop many people at once: a malware outbreak on
/// 300 laptops, or blocked DNS queries from spoofed source addresses (every address a new "person"), would otherwise
/// send the DSL one e-mail each. Every alert is still raised, stored and shown at once on the live feed; only the
/// messages are summarised. A summary carries the highest severity it holds, so its notifiers' minimums apply to it.
/// Not thread-safe: the service locks around it (its send loop takes, its timer collects the summaries).
/// </summary>
internal sealed class NotificationBudget(int perWindow, TimeSpan window)
{
    /// <summary>Subjects a summary names; the rest are counted.</summary>
    public const int NamedSubjects = 5;

    private readonly Dictionary<string, RuleWindow> _rules = new(StringComparer.Ordinal);

    /// <summary>True: send this alert now. False: it is held for its window's summary.</summary>
    public bool TryTake(Alert alert, DateTimeOffset now)
    {
        if (!_rules.TryGetValue(alert.Rule, out RuleWindow? w) || (now >= w.Start + window && w.Held == 0))
        {
            _rules[alert.Rule] = w = new RuleWindow(now);
        }

        if (w.Sent < perWindow)
        {
            w.Sent++;
            return true;
        }

        w.Hold(alert);
        return false;
    }

    /// <summary>The summaries of windows that have ended (of every window when <paramref name="all"/>, at shutdown).</summary>
    public List<Alert> Due(DateTimeOffset now, bool all = false)
    {
        var due = new List<Alert>();
        foreach ((string rule, RuleWindow w) in _rules.Where(p => all || now >= p.Value.Start + window).ToList())
        {
            if (w.Held > 0)
            {
                due.Add(w.Summary(now, window));
            }

            _rules.Remove(rule); // the next alert of the rule opens a new window
        }

        return due;
    }

    /// <summary>One rule's window: what was sent, and an aggregate of what was held (bounded however many arrive).</summary>
    private sealed class RuleWindow(DateTimeOffset start)
    {
        private const int MaxSubjects = 10_000, NamedIds = 20;
        private readonly HashSet<string> _subjects = new(StringComparer.Ordinal);
        private readonly List<string> _ids = [];
        private Alert? _first, _last;
        private AlertSeverity _severity;

        public DateTimeOffset Start { get; } = start;
        public int Sent { get; set; }
        public int Held { get; private set; }

        public void Hold(Alert alert)
        {
            _first ??= alert;
            _last = alert;
            _severity = Held == 0 || alert.Severity > _severity ? alert.Severity : _severity;
            Held++;
            if (_subjects.Count < MaxSubjects)
            {
                _subjects.Add(alert.Subject);
            }

            if (_ids.Count < NamedIds)
            {
                _ids.Add(alert.Id);
            }
        }

        public Alert Summary(DateTimeOffset now, TimeSpan window)
        {
            string named = string.Join(", ", _subjects.Take(NamedSubjects))
                + (_subjects.Count > NamedSubjects ? $" and {_subjects.Count - NamedSubjects}{(_subjects.Count == MaxSubjects ? "+" : "")} more" : "");
            return _last! with
            {
                Id = $"{_first!.Id}+{Held - 1}", // the first held alert, and how many more: each is in the store and on the alerts page
                Created = _first.Created,
                Updated = now,
                Severity = _severity,
                Title = $"{Held} more alerts like this within {window.TotalMinutes:0.#} minute(s), sent as one message: {_last.Title}",
                Subject = $"{_subjects.Count}{(_subjects.Count == MaxSubjects ? "+" : "")} people or devices: {named}",
                User = null,
                Device = null,
                ClientIp = null,
                Count = Held,
                History = [new AlertAction(now, "filterproxy", "summarised", string.Join(", ", _ids) + (Held > _ids.Count ? $" and {Held - _ids.Count} more" : ""))],
            };
        }
    }
}
