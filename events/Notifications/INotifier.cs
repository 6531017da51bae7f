using FilterProxy.Core.Events;

namespace FilterProxy.Events.Notifications;

/// <summary>Somewhere an alert is sent: the live feed, a webhook, e-mail.</summary>
public interface INotifier
{
    /// <summary>For logs and health: never includes a password.</summary>
    string Name { get; }

    AlertSeverity MinSeverity { get; }

    /// <summary>Throws when the alert could not be delivered (the dispatcher retries).</summary>
    Task SendAsync(Alert alert, CancellationToken cancellationToken);
}
