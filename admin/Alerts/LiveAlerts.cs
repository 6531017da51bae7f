using System.Text.Json;
using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Events;
using FilterProxy.Events.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace FilterProxy.Admin.Alerts;

/// <summary>
/// The DSL's live feed: <c>/alerts/live</c> streams every raised, escalated or updated alert as server-sent events
/// (from this node's <see cref="AlertFeed"/>, which with Redis carries every node's alerts). The alerts page's script
/// adds or updates the row without a reload. A comment line every 15 s keeps proxies from closing the stream.
/// </summary>
public static class LiveAlerts
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/alerts/live", StreamAsync).RequireAuthorization(AdminPolicies.Safeguarding);

    private static async Task StreamAsync(HttpContext context, AlertFeed feed)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        CancellationToken aborted = context.RequestAborted;
        System.Threading.Channels.ChannelReader<Alert> alerts = feed.Subscribe(aborted);
        await context.Response.WriteAsync(": live\n\n", aborted);
        await context.Response.Body.FlushAsync(aborted);
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                keepAlive.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    Alert alert = await alerts.ReadAsync(keepAlive.Token);
                    await context.Response.WriteAsync($"event: alert\ndata: {JsonSerializer.Serialize(AlertRow.From(alert), AlertRow.Json)}\n\n", aborted);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                }

                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
    }
}

/// <summary>One alert as the list shows it (and the live feed sends it).</summary>
public sealed record AlertRow(string Id, DateTimeOffset Created, DateTimeOffset Updated, string Severity, int SeverityRank, string Status, string Title, string Subject, string Rule, int Count)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static AlertRow From(Alert a) => new(a.Id, a.Created, a.Updated, Alert.SeverityName(a.Severity), (int)a.Severity, Alert.StatusName(a.Status), a.Title, a.Subject, a.Rule, a.Count);
}
