using System.Net.Http.Headers;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Events.Notifications;

/// <summary>POSTs the alert as JSON (the same shape as the store and the command line) to a URL; any 2xx is delivered.</summary>
public sealed class WebhookNotifier(HttpClient http, WebhookSettings settings) : INotifier
{
    // Scheme, host and port only: a webhook URL often carries a secret in its path or query.
    public string Name => $"webhook {settings.Url.Scheme}://{settings.Url.Host}:{settings.Url.Port}";

    public AlertSeverity MinSeverity => settings.MinSeverity;

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        using var content = new StringContent(EventJson.Serialize(alert));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = content };
        request.Headers.Add("X-FilterProxy-Alert", alert.Id);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{Name} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }
}
