namespace FilterProxy.Core.Events;

/// <summary>
/// Where the hot paths hand events. <see cref="TryWrite"/> never blocks and never waits on a store: it
/// queues, and returns false only when the event could not be accepted (which the sink counts). A written event is
/// the sink's: it names it in place (<see cref="FilterEvent.Node"/>, <see cref="FilterEvent.Seq"/>), so write each
/// instance once (copy it with <c>with</c> to write a second event like it).
/// </summary>
public interface IEventSink
{
    bool TryWrite(FilterEvent filterEvent);
}
