using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Events.Alerts;
using FilterProxy.Events.Notifications;
using FilterProxy.Events.Pipeline;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Events.Stores.Sqlite;

namespace FilterProxy.Events;

/// <summary>
/// The gateway's events, composed: the configured store (embedded SQLite in the data directory, or Redis),
/// the pipeline the hot paths write to, the alert engine on the pipeline's writer, and the alert service with
/// its notifiers. The store is chosen at start (changing it needs a restart, like the listen settings).
/// </summary>
internal sealed class EventStack(IEventStore store, EventPipeline pipeline, AlertService alerts, AlertFeed feed, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>
    /// The stack is made before the web host (the store opens asynchronously), so it logs through a factory of its
    /// own, kept for the gateway's lifetime; the event pipeline's "EVENTS LOST" warnings must never go nowhere.
    /// </summary>
    public static ILoggerFactory CreateLoggers() =>
        LoggerFactory.Create(static b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));

    public ILoggerFactory Loggers { get; } = loggers;
    public IEventStore Store { get; } = store;
    public EventPipeline Pipeline { get; } = pipeline;
    public AlertService Alerts { get; } = alerts;
    public AlertFeed Feed { get; } = feed;

    public static string SqlitePath(GatewaySettings settings) => Path.Combine(settings.DataDirectory, "events.db");

    /// <summary>Opens the store a configuration names (for the gateway and the command line).</summary>
    public static async Task<IEventStore> OpenStoreAsync(GatewaySettings settings) => settings.Events.Store switch
    {
        EventStoreKind.Redis => await RedisEventStore.ConnectAsync(settings.Events.Redis!, settings.Events.RedisPrefix),
        EventStoreKind.None => new FilterProxy.Events.Stores.NullEventStore(),
        _ => await SqliteEventStore.OpenAsync(SqlitePath(settings)),
    };

    public static async Task<EventStack> CreateAsync(PolicySnapshotHolder policy, KeywordSource keywords, HttpClient http, TimeProvider time, ILoggerFactory loggers)
    {
        GatewaySettings settings = policy.Current.Settings;
        IEventStore store = await OpenStoreAsync(settings);
        var feed = new AlertFeed();
        var notifiers = new List<INotifier>();
        RedisAlertChannel? channel = null;
        if (store is RedisEventStore redis)
        {
            channel = new RedisAlertChannel(redis.Connection, redis.Prefix, feed);
            await channel.SubscribeAsync();
            notifiers.Add(channel);
        }

        foreach (WebhookSettings hook in settings.Events.Alerts.Webhooks)
        {
            notifiers.Add(new WebhookNotifier(http, hook));
        }

        if (settings.Events.Alerts.Email is { } email)
        {
            notifiers.Add(new EmailNotifier(email));
        }

        var alerts = new AlertService(store, notifiers, feed, new AlertServiceOptions { PublishLocally = channel is null }, time, loggers.CreateLogger<AlertService>());
        var engine = new AlertEngine(() => policy.Current.Settings.Events.Alerts, () => keywords.For(policy.Current.Settings.Events.KeywordLists), time, alerts.OnChange);
        alerts.Engine = engine;
        var pipeline = new EventPipeline(store, new EventPipelineOptions
        {
            NodeId = settings.Events.NodeId,
            SpoolDirectory = Path.Combine(settings.DataDirectory, "spool"),
        }, [engine], time, loggers.CreateLogger<EventPipeline>());
        return new EventStack(store, pipeline, alerts, feed, loggers);
    }

    public async ValueTask DisposeAsync()
    {
        Pipeline.Dispose();
        await Store.DisposeAsync();
        Loggers.Dispose();
    }
}
