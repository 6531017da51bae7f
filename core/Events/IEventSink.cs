namespace FilterProxy.Core.Events;

/// <summary>
/// Where the hot paths hand events. <see cref="TryWrite"/> never blocks and never waits on a store: it
/// queues, and returns false only when the event could not be accepted (which the sink counts).
/// </summary>
public interface IEventSink
{
    bool TryWrite(FilterEvent filterEvent);
}
