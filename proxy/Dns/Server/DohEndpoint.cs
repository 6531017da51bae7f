using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Dns.Server;

/// <summary>
/// DNS-over-HTTPS (RFC 8484) at /dns-query: GET with ?dns=&lt;base64url&gt; and POST with
/// application/dns-message, on the HTTPS listener whose certificate comes from the school CA.
/// </summary>
internal static class DohEndpoint
{
    public const string Path = "/dns-query";
    public const string MediaType = "application/dns-message";
    private const int MaxQuery = 4096;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext context, DnsResolver resolver, DnsRepeats events, TimeProvider time) => GetAsync(context, resolver, events, time)).AllowAnonymous();
        app.MapPost(Path, (HttpContext context, DnsResolver resolver, DnsRepeats events, TimeProvider time) => PostAsync(context, resolver, events, time)).AllowAnonymous();
    }

    private static Task GetAsync(HttpContext context, DnsResolver resolver, DnsRepeats events, TimeProvider time)
    {
        if (!context.Request.IsHttps)
        {
            return Problem(context, StatusCodes.Status404NotFound, "DNS-over-HTTPS is served on the HTTPS (dohPort) listener");
        }

        string? dns = context.Request.Query["dns"];
        if (string.IsNullOrEmpty(dns) || dns.Length > MaxQuery * 2)
        {
            return Problem(context, StatusCodes.Status400BadRequest, "give the query as ?dns=<base64url DNS message> (RFC 8484)");
        }

        byte[] packet;
        try
        {
            packet = Convert.FromBase64String(ToBase64(dns));
        }
        catch (FormatException)
        {
            return Problem(context, StatusCodes.Status400BadRequest, "the dns parameter is not base64url");
        }

        return AnswerAsync(context, resolver, events, time, packet);
    }

    private static async Task PostAsync(HttpContext context, DnsResolver resolver, DnsRepeats events, TimeProvider time)
    {
        if (!context.Request.IsHttps)
        {
            await Problem(context, StatusCodes.Status404NotFound, "DNS-over-HTTPS is served on the HTTPS (dohPort) listener");
            return;
        }

        if (!string.Equals(context.Request.ContentType, MediaType, StringComparison.OrdinalIgnoreCase))
        {
            await Problem(context, StatusCodes.Status415UnsupportedMediaType, $"send Content-Type: {MediaType}");
            return;
        }

        if (context.Request.ContentLength > MaxQuery)
        {
            await Problem(context, StatusCodes.Status413PayloadTooLarge, "a DNS query is at most 4096 bytes here");
            return;
        }

        // The limit is set before anything is read, and the read stops one byte past it: a chunked body with no length
        // (40 parallel 1 MB posts once grew memory by 58 MB) is refused after 4 KB, not buffered first.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxQuery;
        }

        byte[] buffer = new byte[MaxQuery + 1];
        int total = 0;
        try
        {
            int n;
            while (total < buffer.Length && (n = await context.Request.Body.ReadAsync(buffer.AsMemory(total), context.RequestAborted)) > 0)
            {
                total += n;
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            total = buffer.Length;
        }

        if (total > MaxQuery)
        {
            await Problem(context, StatusCodes.Status413PayloadTooLarge, "a DNS query is at most 4096 bytes here");
            return;
        }

        await AnswerAsync(context, resolver, events, time, buffer[..total]);
    }

    private static async Task AnswerAsync(HttpContext context, DnsResolver resolver, DnsRepeats events, TimeProvider time, byte[] packet)
    {
        IPAddress client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        long started = Stopwatch.GetTimestamp();
        byte[] response = new byte[DnsLimits.MaxMessageSize];
        char[] name = new char[DnsLimits.MaxNameChars];
        DnsResult result = resolver.Answer(packet, client, udp: false, name, response);
        byte[] answer;
        string queryName = new(name, 0, result.Query.NameLength);
        switch (result.Outcome)
        {
            case DnsOutcome.Drop:
                await Problem(context, StatusCodes.Status400BadRequest, "not a DNS query");
                return;
            case DnsOutcome.Answered:
                answer = response[..result.Length];
                break;
            default:
                (answer, result) = await resolver.ForwardAsync(packet, queryName, client, udp: false, result, context.RequestAborted);
                break;
        }

        context.Response.ContentType = MediaType;
        context.Response.Headers.CacheControl = $"max-age={MinTtl(answer)}";
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        events.Record(result, queryName, client, "doh", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static uint MinTtl(byte[] answer)
    {
        DnsMessage? message = DnsMessage.TryParse(answer);
        if (message?.MinTtl is { } ttl)
        {
            return ttl;
        }

        return message is not null && message.TtlOffsets.Length > 0 ? BinaryPrimitives.ReadUInt32BigEndian(answer.AsSpan(message.TtlOffsets[0])) : 0;
    }

    private static string ToBase64(string base64Url)
    {
        string s = base64Url.Replace('-', '+').Replace('_', '/');
        return (s.Length % 4) switch { 2 => s + "==", 3 => s + "=", _ => s };
    }

    private static Task Problem(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(detail + "\n");
    }
}
