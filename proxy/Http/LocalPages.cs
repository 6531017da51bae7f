using System.Net;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Tls;

namespace FilterProxy.Http;

/// <summary>
/// What the proxy port answers itself: the PAC file (<c>/proxy.pac</c>, <c>/wpad.dat</c>) for WPAD, the school CA
/// (<c>/school-ca.crt</c> PEM, <c>/school-ca.cer</c> DER) with install instructions (<c>/ca</c>), and the block
/// page's feedback action. Anything else addressed to the proxy itself gets a 400 that says how to use it.
/// </summary>
internal sealed class LocalPages(PolicySnapshotHolder snapshots, SchoolCertificateAuthority authority, IEventSink events, FilterProxy.Identity.RequestIdentifier identifier,
    BlockPages.RecentBlocks recentBlocks, Hosting.FeedbackRateLimiter limiter)
{
    public const int MaxNoteLength = 1000;

    public Task HandleAsync(HttpContext context, ProxyConnectionFeature connection)
    {
        string path = context.Request.Path.Value ?? "/";
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            switch (path)
            {
                case "/proxy.pac" or "/wpad.dat":
                    context.Response.ContentType = "application/x-ns-proxy-autoconfig";
                    return context.Response.WriteAsync(ProxyAutoConfig.Script(context.Request.Host.Host, context.Connection.LocalPort));
                case "/school-ca.crt":
                    context.Response.ContentType = "application/x-pem-file";
                    context.Response.Headers.ContentDisposition = "attachment; filename=school-ca.crt";
                    return context.Response.WriteAsync(authority.CertificatePem);
                case "/school-ca.cer":
                    context.Response.ContentType = "application/pkix-cert";
                    context.Response.Headers.ContentDisposition = "attachment; filename=school-ca.cer";
                    return context.Response.Body.WriteAsync(authority.Certificate.RawData).AsTask();
                case "/ca":
                    context.Response.ContentType = "text/html; charset=utf-8";
                    return context.Response.WriteAsync(CertificatePage.Html(authority));
            }
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(
            "This is FilterProxy, the school's web filter. Use it as a proxy (this address and port, or the PAC file at /proxy.pac); " +
            "the school certificate for HTTPS is at /ca.\n");
    }

    /// <summary>
    /// The block page's two actions: "please review" (over-blocking) and "report" (something got through). A review names
    /// the block page's reference, and the site comes from that block (the form's url field is only the pupil's word);
    /// a report names what got through. Rate-limited per client (<see cref="Hosting.FeedbackRateLimiter"/>).
    /// </summary>
    public async Task FeedbackAsync(HttpContext context, IPAddress? client, DateTimeOffset now)
    {
        if (client is not null && !limiter.TryAcquire(client))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "60";
            await context.Response.WriteAsync("Too many requests from this device: wait a minute and try again.\n");
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            await context.Response.WriteAsync("Send the block page's form (POST).\n");
            return;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueCountLimit = 16, ValueLengthLimit = 4096, KeyLengthLimit = 32 }, context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The form could not be read.\n");
            return;
        }

        string action = form["action"].ToString() == "report" ? "report" : "review";
        string? note = form["note"].ToString() is { Length: > 0 } n ? n[..Math.Min(n.Length, MaxNoteLength)] : null;
        string reference = form["ref"].ToString();
        string url = form["url"].ToString();
        string? host = Uri.TryCreate(url, UriKind.Absolute, out Uri? u) ? u.Host : null;
        if (action == "review")
        {
            // What was blocked is what the reference names; a review with an unknown reference names no site.
            BlockPages.BlockInfo? blocked = recentBlocks.Find(reference);
            host = blocked?.Host;
            url = blocked?.Url ?? url; // with an unknown reference: shown as the pupil wrote it, never turned into an entry
        }

        PolicySnapshot snapshot = snapshots.Current;
        FilterProxy.Core.Identity.ClientIdentity who = client is null ? FilterProxy.Core.Identity.ClientIdentity.Unknown : identifier.ForQuery(client, snapshot);
        events.TryWrite(new FilterEvent
        {
            Id = ReferenceIds.Next(),
            Time = now,
            Kind = EventKind.BlockPageAction,
            ClientIp = client?.ToString(),
            Device = who.DeviceLabel,
            User = who.User,
            DisplayName = who.Person?.DisplayName,
            IdentitySource = who.SourceName,
            IdentityConfidence = who.Confidence,
            Vulnerable = who.Vulnerable ? true : null,
            Profile = who.Profile ?? snapshot.ProfileFor(client).Name,
            Method = "POST",
            Host = host,
            Url = HttpEvents.Bound(url),
            Verdict = action == "report" ? "report" : "review-requested",
            Reason = action,
            Rule = reference.Length is > 0 and <= 32 ? reference : null,
            Note = note,
        });
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Thank you</title></head>" +
            "<body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;line-height:1.5\"><h1>Thank you</h1><p>" +
            (action == "report" ? "Your report has been sent to the people who keep the school's internet safe." : "Your request has been sent. Someone at school will look at this page and decide.") +
            "</p><p><a href=\"javascript:history.back()\">Go back</a></p></body></html>");
    }
}
