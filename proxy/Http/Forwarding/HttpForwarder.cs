using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using FilterProxy.Core.Policy;
using FilterProxy.Http.BlockPages;
using FilterProxy.Http.Content;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace FilterProxy.Http.Forwarding;

/// <summary>What to send upstream for one request.</summary>
internal readonly record struct ForwardRequest(Uri Uri, string Authority, IPEndPoint? OriginalDestination, IEnumerable<KeyValuePair<string, string>> ExtraHeaders, Profile Profile, string Host, bool Scan)
{
    /// <summary>Refuse a DNS-over-HTTPS answer (by its media type) before anything of it reaches the client.</summary>
    public bool BlockDnsAnswers { get; init; }
}

/// <summary>
/// Forwards one client request to its origin in YARP's style: copy the request (minus hop-by-hop headers) with
/// its body streamed, send it through the pooled <see cref="HttpMessageInvoker"/>, then copy status, headers and
/// body back, streamed (never buffered whole). HTML, text and JSON responses pass the content check first,
/// reading a bounded prefix only. WebSocket and other HTTP/1.1 upgrades become a two-way byte copy.
/// Failures before anything was sent come back as a <see cref="ForwardResult"/> for the caller's error page;
/// a failure in the middle of a body aborts the client connection, so a cut download never looks complete.
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker invoker, ContentInspector inspector)
{
    private static readonly TimeSpan s_responseHeadersTimeout = TimeSpan.FromSeconds(100);

    public async Task<ForwardResult> ForwardAsync(HttpContext context, ForwardRequest forward)
    {
        CancellationToken aborted = context.RequestAborted;
        IHttpUpgradeFeature? upgradeFeature = context.Features.Get<IHttpUpgradeFeature>();
        bool upgrade = upgradeFeature?.IsUpgradableRequest == true && context.Request.Headers.Upgrade.Count > 0;
        using HttpRequestMessage request = CreateRequest(context, forward, upgrade);

        HttpResponseMessage response;
        using (var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(aborted, TimeoutBuckets.Token(s_responseHeadersTimeout)))
        {
            try
            {
                response = await invoker.SendAsync(request, headersTimeout.Token);
            }
            catch (HttpRequestException ex)
            {
                return Failure(ex, forward.Host);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                return ForwardResult.Failed(BlockKind.Timeout, $"{forward.Host} did not answer within {s_responseHeadersTimeout.TotalSeconds:0} s");
            }
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.SwitchingProtocols && upgrade)
            {
                return await UpgradeAsync(context, upgradeFeature!, response);
            }

            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (forward.BlockDnsAnswers && Search.DohDetector.IsDnsResponseType(mediaType))
            {
                return ForwardResult.Failed(BlockKind.DnsOverHttps, $"{forward.Host} answered with DNS ({mediaType}): DNS-over-HTTPS goes around the school's DNS filtering");
            }

            Stream body = await response.Content.ReadAsStreamAsync(aborted);
            Core.Content.ContentKind? kind = forward.Scan && !HttpMethods.IsHead(context.Request.Method) && (int)response.StatusCode is >= 200 and < 300
                ? ContentInspector.KindOf(mediaType)
                : null;
            if (kind is null)
            {
                CopyResponseHead(context, response);
                return ForwardResult.Sent((int)response.StatusCode, await CopyBodyAsync(context, body, null, aborted));
            }

            using BodyPrefix prefix = await inspector.ReadPrefixAsync(body, aborted);
            string? encoding = response.Content.Headers.ContentEncoding.LastOrDefault();
            Inspection inspection = await inspector.InspectAsync(prefix, kind.Value, response.Content.Headers.ContentType?.CharSet, encoding, forward.Profile, forward.Host, aborted);
            if (inspection.Block)
            {
                return ForwardResult.Blocked(inspection.Score, inspection.Summary ?? "the content check blocked it");
            }

            CopyResponseHead(context, response);
            return ForwardResult.Sent((int)response.StatusCode, await CopyBodyAsync(context, body, prefix, aborted), inspection.Summary);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, ForwardRequest forward, bool upgrade)
    {
        HttpRequest incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), forward.Uri)
        {
            Version = upgrade || forward.Uri.Scheme == Uri.UriSchemeHttp ? HttpVersion.Version11 : HttpVersion.Version20,
            VersionPolicy = upgrade ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
        };

        if (!upgrade && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null; // read-only once the DoH check has buffered a small body
            }

            request.Content = new StreamContent(incoming.Body, 64 * 1024);
        }

        foreach (KeyValuePair<string, StringValues> header in incoming.Headers)
        {
            if (HopByHop.IsRequestHeader(header.Key))
            {
                continue;
            }

            StringValues values = header.Value;
            bool added = values.Count == 1
                ? request.Headers.TryAddWithoutValidation(header.Key, values.ToString())
                : request.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)values);
            if (!added && request.Content is not null)
            {
                _ = values.Count == 1
                    ? request.Content.Headers.TryAddWithoutValidation(header.Key, values.ToString())
                    : request.Content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)values);
            }
        }

        request.Headers.Host = forward.Authority;
        if (upgrade)
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", (string[])incoming.Headers.Upgrade!);
        }

        foreach ((string name, string value) in forward.ExtraHeaders)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (forward.OriginalDestination is { } original)
        {
            request.Options.Set(ForwarderClient.OriginalDestination, original);
        }

        return request;
    }

    private static void CopyResponseHead(HttpContext context, HttpResponseMessage response)
    {
        HttpResponse outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        CopyHeaders(outgoing.Headers, response.Headers);
        CopyHeaders(outgoing.Headers, response.Content.Headers);
    }

    private static void CopyHeaders(IHeaderDictionary destination, HttpHeaders source)
    {
        foreach (KeyValuePair<string, HeaderStringValues> header in source.NonValidated)
        {
            if (HopByHop.IsResponseHeader(header.Key))
            {
                continue;
            }

            destination[header.Key] = header.Value.Count == 1 ? new StringValues(header.Value.ToString()) : new StringValues([.. header.Value]);
        }
    }

    private static async Task<long> CopyBodyAsync(HttpContext context, Stream body, BodyPrefix? prefix, CancellationToken cancellationToken)
    {
        System.IO.Pipelines.PipeWriter writer = context.Response.BodyWriter;
        long total = 0;
        try
        {
            if (prefix is not null)
            {
                // What the content check read, then (if the origin was slow) the read it left in flight.
                ReadOnlyMemory<byte> first = prefix.Memory;
                total += first.Length;
                await writer.WriteAsync(first, cancellationToken);
                if (prefix.Partial)
                {
                    ReadOnlyMemory<byte> rest = await prefix.TakePendingAsync();
                    total += rest.Length;
                    await writer.WriteAsync(rest, cancellationToken);
                }
            }

            while (true)
            {
                Memory<byte> memory = writer.GetMemory(16 * 1024);
                int n = await body.ReadAsync(memory, cancellationToken);
                if (n == 0)
                {
                    break;
                }

                writer.Advance(n);
                total += n;
                if ((await writer.FlushAsync(cancellationToken)).IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The origin or the client went away mid-body: cut the client connection so the truncation shows.
            context.Abort();
        }

        return total;
    }

    private static async Task<ForwardResult> UpgradeAsync(HttpContext context, IHttpUpgradeFeature feature, HttpResponseMessage response)
    {
        CopyHeaders(context.Response.Headers, response.Headers);
        context.Response.Headers.Upgrade = response.Headers.Upgrade.ToString();
        Stream origin = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        Stream client = await feature.UpgradeAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        Task<long> up = CopyAsync(client, origin, stop);
        Task<long> down = CopyAsync(origin, client, stop);
        long[] bytes = await Task.WhenAll(up, down);
        return ForwardResult.Sent(101, bytes[0] + bytes[1]);
    }

    private static async Task<long> CopyAsync(Stream from, Stream to, CancellationTokenSource stop)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        long total = 0;
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n), stop.Token);
                await to.FlushAsync(stop.Token);
                total += n;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            await stop.CancelAsync();
        }

        return total;
    }

    private static ForwardResult Failure(HttpRequestException ex, string host)
    {
        Exception? inner = ex.InnerException;
        while (inner is not null and not AuthenticationException and not TimeoutException and not System.Net.Sockets.SocketException and not Destinations.DestinationRefusedException)
        {
            inner = inner.InnerException;
        }

        return inner switch
        {
            Destinations.DestinationRefusedException refused => ForwardResult.Failed(BlockKind.Internal, refused.Message),
            AuthenticationException auth => ForwardResult.Failed(BlockKind.Certificate, CertificateErrors.Take(host) ?? auth.Message),
            TimeoutException timeout => ForwardResult.Failed(BlockKind.Timeout, timeout.Message),
            _ when ex.HttpRequestError == HttpRequestError.SecureConnectionError => ForwardResult.Failed(BlockKind.Certificate, CertificateErrors.Take(host) ?? ex.Message),
            _ when ex.HttpRequestError == HttpRequestError.NameResolutionError => ForwardResult.Failed(BlockKind.Unreachable, "The site's name could not be found"),
            System.Net.Sockets.SocketException socket => ForwardResult.Failed(BlockKind.Unreachable, socket.Message),
            _ => ForwardResult.Failed(BlockKind.Unreachable, ex.Message),
        };
    }
}
