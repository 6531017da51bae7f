using FilterProxy.Core.Categories;
using FilterProxy.Core.Events;

namespace FilterProxy.Core.Configuration;

public enum EventStoreKind
{
    Sqlite,
    Redis,
    /// <summary>Records nothing: only for measuring what logging costs.</summary>
    None,
}

/// <summary>Where events go and what raises an alert. Defaults documented in the README.</summary>
public sealed record EventSettings
{
    public EventStoreKind Store { get; init; } = EventStoreKind.Sqlite;
    /// <summary>StackExchange.Redis configuration string (host:port[,password=…]); required when Store is redis.</summary>
    public string? Redis { get; init; }
    public string RedisPrefix { get; init; } = "fp:";
    /// <summary>Names this gateway on every event (default: the machine name).</summary>
    public string NodeId { get; init; } = Environment.MachineName;
    /// <summary>Take the central policy from Redis and reload when it is published (multi-site).</summary>
    public bool SharedPolicy { get; init; }
    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Default;
    public IReadOnlyList<string> KeywordLists { get; init; } = [];
    public AlertSettings Alerts { get; init; } = new();
}

public sealed record AlertSettings
{
    /// <summary>A blocked attempt in these categories raises an alert of this severity.</summary>
    public static readonly IReadOnlyDictionary<Category, AlertSeverity> DefaultCategories = new Dictionary<Category, AlertSeverity>
    {
        [Category.Csam] = AlertSeverity.Critical,
        [Category.Terrorism] = AlertSeverity.Critical,
        [Category.SelfHarm] = AlertSeverity.Critical,
        [Category.Extremism] = AlertSeverity.High,
        [Category.Discrimination] = AlertSeverity.Medium,
        [Category.Pornography] = AlertSeverity.Low,
        [Category.Violence] = AlertSeverity.Low,
        [Category.Drugs] = AlertSeverity.Low,
        [Category.Gambling] = AlertSeverity.Low,
        [Category.Malware] = AlertSeverity.Low,
    };

    public IReadOnlyDictionary<Category, AlertSeverity> Categories { get; init; } = DefaultCategories;
    /// <summary>Search terms the classifier scores at this risk or above raise an alert at that severity.</summary>
    public AlertSeverity SearchRiskMin { get; init; } = AlertSeverity.Medium;
    /// <summary>This many blocked attempts by one person within <see cref="RepeatWindow"/> raise (then escalate) a repeated-attempts alert.</summary>
    public int RepeatCount { get; init; } = 5;
    public TimeSpan RepeatWindow { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Further matches of the same rule for the same person within this time fold into the open alert instead of a new one.</summary>
    public TimeSpan Throttle { get; init; } = TimeSpan.FromMinutes(15);
    public AlertSeverity Circumvention { get; init; } = AlertSeverity.Medium;
    /// <summary>A pupil on these profiles reaching a crisis help service raises a gentle alert of <see cref="HelpServiceVisitSeverity"/> (none: empty).</summary>
    public IReadOnlySet<string> HelpServiceVisitProfiles { get; init; } = new HashSet<string>(["nursery-ks1", "ks2", "secondary"], StringComparer.OrdinalIgnoreCase);
    public AlertSeverity HelpServiceVisitSeverity { get; init; } = AlertSeverity.Low;
    public IReadOnlyList<WebhookSettings> Webhooks { get; init; } = [];
    public EmailSettings? Email { get; init; }
}

public sealed record WebhookSettings(Uri Url, AlertSeverity MinSeverity);

public sealed record EmailSettings(string SmtpHost, int SmtpPort, bool EnableSsl, string From, IReadOnlyList<string> To, AlertSeverity MinSeverity);
