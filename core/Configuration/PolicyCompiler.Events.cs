using FilterProxy.Core.Categories;
using FilterProxy.Core.Events;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static EventSettings CompileEvents(EventsConfig? config, string baseDirectory, List<ConfigError> e)
    {
        EventsConfig c = config ?? new EventsConfig();
        var defaults = new EventSettings();
        EventStoreKind store = EventStoreKind.Sqlite;
        if (c.Store is not null && !EnumWords.TryParse(c.Store, out store))
        {
            e.Add(new ConfigError("events.store", $"'{c.Store}' is not a store: use sqlite or redis (or none, which records nothing, for measurements only)"));
        }

        if (store == EventStoreKind.Redis && string.IsNullOrWhiteSpace(c.Redis))
        {
            e.Add(new ConfigError("events.redis", "events.store is redis, so events.redis must say where (e.g. \"127.0.0.1:6379\")"));
        }

        if (c.SharedPolicy == true && store != EventStoreKind.Redis)
        {
            e.Add(new ConfigError("events.sharedPolicy", "a shared policy needs events.store = redis"));
        }

        int Days(int? value, TimeSpan fallback, string name)
        {
            int v = value ?? (int)fallback.TotalDays;
            if (v is < 1 or > 3650)
            {
                e.Add(new ConfigError($"events.retention.{name}", $"{v} is outside 1–3650 days"));
            }

            return v;
        }

        RetentionConfig r = c.Retention ?? new RetentionConfig();
        var retention = new RetentionPolicy(
            TimeSpan.FromDays(Days(r.AllowedDays, RetentionPolicy.Default.Allowed, "allowedDays")),
            TimeSpan.FromDays(Days(r.BlockedDays, RetentionPolicy.Default.Blocked, "blockedDays")),
            TimeSpan.FromDays(Days(r.AlertDays, RetentionPolicy.Default.Alerts, "alertDays")));

        var keywordLists = new List<string>();
        for (int i = 0; i < (c.KeywordLists?.Count ?? 0); i++)
        {
            string path = Path.GetFullPath(c.KeywordLists![i], baseDirectory);
            if (!File.Exists(path))
            {
                e.Add(new ConfigError($"events.keywordLists[{i}]", $"'{path}' does not exist"));
            }

            keywordLists.Add(path);
        }

        string nodeId = string.IsNullOrWhiteSpace(c.NodeId) ? defaults.NodeId : c.NodeId.Trim();
        if (nodeId.Any(static ch => char.IsWhiteSpace(ch) || ch == '/'))
        {
            e.Add(new ConfigError("events.nodeId", $"'{nodeId}' may not contain spaces or '/'"));
        }

        return new EventSettings
        {
            Store = store,
            Redis = c.Redis,
            RedisPrefix = c.RedisPrefix ?? defaults.RedisPrefix,
            NodeId = nodeId,
            SharedPolicy = c.SharedPolicy ?? false,
            Retention = retention,
            KeywordLists = keywordLists,
            Alerts = CompileAlerts(c.Alerts, e),
        };
    }

    private static AlertSettings CompileAlerts(AlertsConfig? config, List<ConfigError> e)
    {
        AlertsConfig c = config ?? new AlertsConfig();
        var defaults = new AlertSettings();
        var categories = new Dictionary<Category, AlertSeverity>(AlertSettings.DefaultCategories);
        foreach ((string name, string? value) in c.Categories ?? [])
        {
            if (!Categories.Categories.TryParse(name, out Category? category))
            {
                e.Add(new ConfigError($"events.alerts.categories.{name}", $"'{name}' is not a category"));
                continue;
            }

            if (value is null or "none" or "off")
            {
                categories.Remove(category.Value);
                continue;
            }

            categories[category.Value] = ParseEnum(value, AlertSeverity.Medium, $"events.alerts.categories.{name}", e);
        }

        int Positive(int? value, int fallback, string name, int max)
        {
            int v = value ?? fallback;
            if (v < 1 || v > max)
            {
                e.Add(new ConfigError($"events.alerts.{name}", $"{v} is outside 1–{max}"));
            }

            return v;
        }

        var webhooks = new List<WebhookSettings>();
        for (int i = 0; i < (c.Webhooks?.Count ?? 0); i++)
        {
            WebhookConfig? w = c.Webhooks![i];
            if (w?.Url is null || !Uri.TryCreate(w.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                e.Add(new ConfigError($"events.alerts.webhooks[{i}].url", $"'{w?.Url}' is not an http(s) URL"));
                continue;
            }

            webhooks.Add(new WebhookSettings(url, ParseEnum(w.MinSeverity, AlertSeverity.High, $"events.alerts.webhooks[{i}].minSeverity", e)));
        }

        EmailSettings? email = null;
        if (c.Email is { } m)
        {
            if (string.IsNullOrWhiteSpace(m.SmtpHost) || string.IsNullOrWhiteSpace(m.From) || m.To is not { Count: > 0 })
            {
                e.Add(new ConfigError("events.alerts.email", "needs smtpHost, from and at least one address in to"));
            }
            else
            {
                email = new EmailSettings(m.SmtpHost, m.SmtpPort ?? 25, m.EnableSsl ?? false, m.From, m.To,
                    ParseEnum(m.MinSeverity, AlertSeverity.High, "events.alerts.email.minSeverity", e));
                if (email.SmtpPort is < 1 or > 65535)
                {
                    e.Add(new ConfigError("events.alerts.email.smtpPort", $"{email.SmtpPort} is not a port number"));
                }
            }
        }

        return new AlertSettings
        {
            Categories = categories,
            SearchRiskMin = ParseEnum(c.SearchRiskMin, defaults.SearchRiskMin, "events.alerts.searchRiskMin", e),
            RepeatCount = Positive(c.RepeatCount, defaults.RepeatCount, "repeatCount", 10_000),
            RepeatWindow = TimeSpan.FromMinutes(Positive(c.RepeatMinutes, (int)defaults.RepeatWindow.TotalMinutes, "repeatMinutes", 24 * 60)),
            Throttle = TimeSpan.FromMinutes(Positive(c.ThrottleMinutes, (int)defaults.Throttle.TotalMinutes, "throttleMinutes", 24 * 60)),
            Circumvention = ParseEnum(c.CircumventionSeverity, defaults.Circumvention, "events.alerts.circumventionSeverity", e),
            HelpServiceVisitProfiles = c.HelpServiceVisitProfiles is { } visitProfiles
                ? new HashSet<string>(visitProfiles.Where(static p => !string.IsNullOrWhiteSpace(p)), StringComparer.OrdinalIgnoreCase)
                : defaults.HelpServiceVisitProfiles,
            HelpServiceVisitSeverity = ParseEnum(c.HelpServiceVisitSeverity, defaults.HelpServiceVisitSeverity, "events.alerts.helpServiceVisitSeverity", e),
            Webhooks = webhooks,
            Email = email,
        };
    }
}
