using System.Net.Mail;
using System.Text;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;

namespace FilterProxy.Events.Notifications;

/// <summary>E-mails the alert to the DSL over SMTP: what happened, who, when, the search term or URL, and the alert id to look up.</summary>
public sealed class EmailNotifier(EmailSettings settings) : INotifier
{
    public string Name => $"e-mail via {settings.SmtpHost}:{settings.SmtpPort}";

    public AlertSeverity MinSeverity => settings.MinSeverity;

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        using var message = new MailMessage
        {
            From = new MailAddress(settings.From),
            Subject = Subject(alert),
            Body = Body(alert),
            BodyEncoding = Encoding.UTF8,
            SubjectEncoding = Encoding.UTF8,
        };
        foreach (string to in settings.To)
        {
            message.To.Add(to);
        }

        message.Headers.Add("X-FilterProxy-Alert", alert.Id);
        using var client = new SmtpClient(settings.SmtpHost, settings.SmtpPort) { EnableSsl = settings.EnableSsl, Timeout = 15_000 };
        await client.SendMailAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public static string Subject(Alert alert) => $"[FilterProxy] {Alert.SeverityName(alert.Severity).ToUpperInvariant()}: {alert.Title} — {alert.Subject}";

    public static string Body(Alert alert)
    {
        FilterEvent e = alert.Trigger;
        var b = new StringBuilder();
        b.AppendLine($"Alert {alert.Id} ({Alert.SeverityName(alert.Severity)}): {alert.Title}");
        b.AppendLine();
        b.AppendLine(alert is { User: null, Device: null, ClientIp: null }
            ? $"Who:       {alert.Subject}" // a summary of several people's alerts
            : $"Who:       {alert.User ?? "(user not known)"}  device {alert.Device ?? "-"}  address {alert.ClientIp ?? "-"}");
        b.AppendLine($"When:      {e.Time:yyyy-MM-dd HH:mm:ss} UTC");
        if (e.SearchTerm is not null)
        {
            b.AppendLine($"Searched:  {e.SearchTerm}");
        }

        b.AppendLine($"Site:      {e.Url ?? e.Host}");
        b.AppendLine($"Decision:  {e.Verdict}{(e.Categories.Count > 0 ? " (" + string.Join(", ", e.Categories) + ")" : "")}{(e.Rule is null ? "" : " by " + e.Rule)}");
        if (e.Content is not null)
        {
            b.AppendLine($"Content:   {e.Content}");
        }

        b.AppendLine($"Rule:      {alert.Rule}; {alert.Count} matching event(s) so far");
        b.AppendLine($"Gateway:   {alert.Node}");
        b.AppendLine();
        b.AppendLine("Open the FilterProxy admin UI to acknowledge or resolve it, or: filterproxy alerts list --json");
        return b.ToString();
    }
}
