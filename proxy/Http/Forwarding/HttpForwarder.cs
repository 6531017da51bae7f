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

    /// <summary>The request's reference, quoted in a notice when the response is stopped mid-stream.</summary>
    public string Reference { get; init; } = "";

    /// <summary>A WebSocket to an AI chat endpoint: each text message the client sends, read as a prompt.</summary>
    public Action<string>? OnClientMessage { get; init; }
}

/// <summary>
/// Forwards one client request to its origin in YARP's style: copy the request (minus hop-by-hop headers) with
/// its body streamed, send it through the pooled <see cref="HttpMessageInvoker"/>, then copy status, headers and
/// body back, streamed (never buffered whole). HTML, text and JSON responses pass the content check on a bounded
/// prefix first, and what follows it is judged as it streams; event streams and NDJSON are judged as they stream from
/// their first byte (<see cref="StreamCheck"/>). WebSocket and other HTTP/1.1 upgrades become a two-way byte copy,
/// WebSocket text read on the way (<see cref="WebSocketCheck"/>).
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
                using WebSocketCheck? check = forward.Scan ? inspector.OpenWebSocket(forward.Profile, forward.Host, forward.OnClientMessage) : null;
                return await UpgradeAsync(context, upgradeFeature!, response, check, forward.Reference);
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
                return ForwardResult.Sent((int)response.StatusCode, (await CopyBodyAsync(context, body, null, null, default, "", aborted)).Bytes);
            }

            return await JudgedAsync(context, response, body, kind.Value, forward, aborted);
        }
    }

    /// <summary>
    /// An HTML, text, JSON, NDJSON or event-stream body, judged: event streams and NDJSON piece by piece from the
    /// first byte; the rest on a prefix first (a block there gets the block page), then, if the body goes on past
    /// it, piece by piece.
    /// </summary>
    private async Task<ForwardResult> JudgedAsync(HttpContext context, HttpResponseMessage response, Stream body, Core.Content.ContentKind kind, ForwardRequest forward, CancellationToken aborted)
    {
        string? charset = response.Content.Headers.ContentType?.CharSet;
        string? encoding = response.Content.Headers.ContentEncoding.LastOrDefault();
        int status = (int)response.StatusCode;
        if (ContentInspector.StreamsFromStart(kind))
        {
            // An AI answer or event stream: judged piece by piece as it is forwarded, never held back for a prefix.
            using StreamCheck? check = inspector.OpenStream(kind, charset, forward.Profile, forward.Host);
            await using Stream? decoded = check is null ? body : BodyDecoding.Decode(encoding, body);
            if (decoded is null)
            {
                if (!forward.Profile.ScanFailOpen)
                {
                    return ForwardResult.Blocked(null, $"the content check could not read '{encoding}' encoded content; blocked, because a filter that cannot check fails closed");
                }

                CopyResponseHead(context, response);
                return ForwardResult.Sent(status, (await CopyBodyAsync(context, body, null, null, default, "", aborted)).Bytes, $"'{encoding}' encoded content was not checked; allowed by the profile's onScanFailure");
            }

            CopyResponseHead(context, response, streamed: check is not null);
            return await FinishAsync(status, CopyBodyAsync(context, decoded, null, check, kind, forward.Reference, aborted), check, null);
        }

        using BodyPrefix prefix = await inspector.ReadPrefixAsync(body, aborted);
        Inspection inspection = await inspector.InspectAsync(prefix, kind, charset, encoding, forward.Profile, forward.Host, aborted);
        if (inspection.Block)
        {
            return ForwardResult.Blocked(inspection.Score, inspection.Summary ?? "the content check blocked it");
        }

        // A page longer than the prefix (or slower than the budget): the rest is judged as it streams.
        using StreamCheck? rest = prefix.Ended && inspection.Whole ? null : inspector.OpenStream(kind, charset, forward.Profile, forward.Host);
        if (rest is not null && BodyDecoding.IsEncoded(encoding))
        {
            // Sent decoded from the first byte, so judged from the first byte too (the prefix once more: 256 KB at most).
            await using Stream? decoded = BodyDecoding.Decode(encoding, BodyDecoding.Joined(prefix, body));
            if (decoded is not null)
            {
                CopyResponseHead(context, response, streamed: true);
                return await FinishAsync(status, CopyBodyAsync(context, decoded, null, rest, kind, forward.Reference, aborted), rest, inspection.Summary);
            }

            // An encoding the check cannot read: the profile's onScanFailure allowed the prefix (its note says so), the rest goes as it is.
            CopyResponseHead(context, response);
            return ForwardResult.Sent(status, (await CopyBodyAsync(context, body, prefix, null, default, "", aborted)).Bytes, inspection.Summary);
        }

        // The prefix was judged whole: the stream reads it as context only.
        rest?.Write(prefix.Memory.Span, judge: false);
        CopyResponseHead(context, response, streamed: rest is not null);
        return await FinishAsync(status, CopyBodyAsync(context, body, prefix, rest, kind, forward.Reference, aborted), rest, inspection.Summary);
    }

    /// <summary>What a judged body's copy comes to: sent whole, or stopped part-way with the notice its format allows.</summary>
    private static async Task<ForwardResult> FinishAsync(int status, Task<BodyCopy> copying, StreamCheck? check, string? prefixSummary)
    {
        BodyCopy copy = await copying;
        string? cost = check?.CostNote is { Length: > 0 } note ? note : null;
        if (copy.Stop is not { } stop)
        {
            return ForwardResult.Sent(status, copy.Bytes, prefixSummary is null ? cost : cost is null ? prefixSummary : $"{prefixSummary}; {cost}");
        }

        string window = check!.Window;
        string detail = $"stopped as it streamed, after {copy.Bytes:N0} bytes had reached the client: {stop.Summary}"
            + (window.Length > 0 ? $"; the text that tipped it: \"{window.ReplaceLineEndings(" ").Trim()}\"" : "")
            + (cost is null ? "" : "; " + cost);
        return ForwardResult.Stopped(status, copy.Bytes, stop.Score, detail);
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
        if (upgrade && forward.Scan)
        {
            // Frames the proxy reads must not be compressed: without this header no permessage-deflate is agreed.
            request.Headers.Remove("Sec-WebSocket-Extensions");
        }

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

    /// <summary>
    /// Status and headers. <paramref name="streamed"/>: a body judged as it streams is sent chunked and decoded, so
    /// that a stop part-way can end it cleanly with a notice the client reads (a declared length could only be
    /// broken off, and a notice inside a compressed stream would be noise).
    /// </summary>
    private static void CopyResponseHead(HttpContext context, HttpResponseMessage response, bool streamed = false)
    {
        HttpResponse outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        CopyHeaders(outgoing.Headers, response.Headers);
        CopyHeaders(outgoing.Headers, response.Content.Headers);
        if (streamed)
        {
            outgoing.Headers.ContentLength = null;
            outgoing.Headers.ContentEncoding = default;
        }
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

    /// <summary>How a body's copy ended: the bytes the client got, and the content check's stop (null: sent whole).</summary>
    private readonly record struct BodyCopy(long Bytes, Inspection? Stop);

    /// <summary>
    /// Copies the body to the client, flushing each piece as it comes (an AI answer arrives a few words at a time).
    /// With a <paramref name="check"/>, each piece is judged before it is sent; a piece that tips the check is not
    /// sent: the notice its format allows goes instead, and the response ends there.
    /// </summary>
    private static async Task<BodyCopy> CopyBodyAsync(HttpContext context, Stream body, BodyPrefix? prefix, StreamCheck? check, Core.Content.ContentKind kind, string reference, CancellationToken cancellationToken)
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
                    if (check?.Write(rest.Span) is { Block: true } stopped)
                    {
                        return await StopAsync(writer, stopped, total, cancellationToken);
                    }

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

                if (check?.Write(memory.Span[..n]) is { Block: true } stopped)
                {
                    return await StopAsync(writer, stopped, total, cancellationToken);
                }

                writer.Advance(n);
                total += n;
                if ((await writer.FlushAsync(cancellationToken)).IsCompleted)
                {
                    break;
                }
            }

            if (check?.Complete() is { Block: true } atEnd)
            {
                // The last words tipped it: everything has gone, but the notice still ends the page and the event says so.
                return await StopAsync(writer, atEnd, total, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The origin or the client went away mid-body: cut the client connection so the truncation shows.
            context.Abort();
        }

        return new BodyCopy(total, null);

        async Task<BodyCopy> StopAsync(System.IO.Pipelines.PipeWriter writer, Inspection stop, long sent, CancellationToken cancellationToken)
        {
            string? category = stop.Score is { } score ? Core.Categories.Categories.Info(score.Category).Title : null;
            byte[] notice = StreamNotice.For(kind, category, reference);
            if (notice.Length > 0)
            {
                await writer.WriteAsync(notice, cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
            return new BodyCopy(sent, stop);
        }
    }

    /// <summary>
    /// A WebSocket (or other HTTP/1.1 upgrade): a two-way copy. With a <paramref name="check"/>, the server's text
    /// messages are judged as they pass and the client's are read as prompts; when the server's text crosses the
    /// line, the client gets a close frame (1008, the notice's reason) if the copy stands at a frame boundary, and
    /// the connection is cut if it does not (a close frame inside a frame would be noise).
    /// </summary>
    private static async Task<ForwardResult> UpgradeAsync(HttpContext context, IHttpUpgradeFeature feature, HttpResponseMessage response, WebSocketCheck? check, string reference)
    {
        CopyHeaders(context.Response.Headers, response.Headers);
        context.Response.Headers.Upgrade = response.Headers.Upgrade.ToString();
        Stream origin = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        Stream client = await feature.UpgradeAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        Task<long> up = CopyAsync(client, origin, stop, check is null ? null : static (c, bytes) => { c!.FromClient(bytes); return true; }, check);
        Task<long> down = CopyAsync(origin, client, stop, check is null ? null : static (c, bytes) => c!.FromServer(bytes) is not { Block: true }, check);
        long[] bytes = await Task.WhenAll(up, down);
        if (check?.Stop is not { } stopped)
        {
            return ForwardResult.Sent(101, bytes[0] + bytes[1]);
        }

        // The notice, as a close frame, where the copy stands between frames; else the connection is cut.
        bool closed = false;
        if (check.StoppedAtBoundary)
        {
            string? category = stopped.Score is { } score ? Core.Categories.Categories.Info(score.Category).Title : null;
            try
            {
                await client.WriteAsync(WebSocketCheck.CloseFrame($"Stopped by the school's web filter ({category}). Reference {reference}."), context.RequestAborted);
                await client.FlushAsync(context.RequestAborted);
                closed = true;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        if (!closed)
        {
            context.Abort();
        }

        string window = check.Check!.Window;
        return ForwardResult.Stopped(101, bytes[1], stopped.Score, $"WebSocket {(closed ? "closed" : "cut")} after {bytes[1]:N0} bytes from the server had reached the client: {stopped.Summary}"
            + (window.Length > 0 ? $"; the text that tipped it: \"{window.ReplaceLineEndings(" ").Trim()}\"" : ""));
    }

    /// <summary>
    /// Copies one direction until either side ends. <paramref name="seen"/> (with <paramref name="state"/>) reads each
    /// piece before it is sent; false stops the copy there, unsent.
    /// </summary>
    private static async Task<long> CopyAsync<TState>(Stream from, Stream to, CancellationTokenSource stop, Func<TState, ReadOnlySpan<byte>, bool>? seen, TState state)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        long total = 0;
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, stop.Token)) > 0)
            {
                if (seen is not null && !seen(state, buffer.AsSpan(0, n)))
                {
                    break;
                }

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
