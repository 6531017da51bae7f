using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;
using StackExchange.Redis;

namespace FilterProxy.Events.Notifications;

/// <summary>Publishes alerts on <c>{prefix}alerts:live</c> and feeds those of every node (this one included) into the local <see cref="AlertFeed"/>.</summary>
public sealed class RedisAlertChannel(ConnectionMultiplexer redis, string prefix, AlertFeed feed) : INotifier
{
    private readonly RedisChannel _channel = RedisChannel.Literal(prefix + "alerts:live");

    public string Name => "redis pub/sub " + _channel;

    public AlertSeverity MinSeverity => AlertSeverity.Info;

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken) =>
        await redis.GetSubscriber().PublishAsync(_channel, EventJson.Serialize(alert)).ConfigureAwait(false);

    public Task SubscribeAsync() => redis.GetSubscriber().SubscribeAsync(_channel, (_, message) =>
    {
        try
        {
            feed.Publish(EventJson.Alert(message!));
        }
        catch (System.Text.Json.JsonException)
        {
            // Not one of ours: ignore.
        }
    });
}
