using System.Threading.Channels;
using FilterProxy.Core.Events;

namespace FilterProxy.Events.Notifications;

/// <summary>
/// The live feed for the admin UI: every raised, escalated and updated alert, to each subscriber (bounded:
/// a subscriber that stops reading loses the oldest, never blocks the gateway). With Redis, alerts from every
/// node arrive here through pub/sub.
/// </summary>
public sealed class AlertFeed
{
    private readonly Lock _gate = new();
    private readonly List<Channel<Alert>> _subscribers = [];

    public int Subscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public ChannelReader<Alert> Subscribe(CancellationToken unsubscribe)
    {
        var channel = Channel.CreateBounded<Alert>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        unsubscribe.Register(() =>
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    public void Publish(Alert alert)
    {
        lock (_gate)
        {
            foreach (Channel<Alert> c in _subscribers)
            {
                c.Writer.TryWrite(alert);
            }
        }
    }
}
