using System.Buffers;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Content;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http.Content;

/// <summary>
/// The start of a response body, read for the content check; the caller sends it on (or not) and disposes it.
/// When the origin was slower than the scan budget, one read is still in flight into the same buffer
/// (<see cref="TakePendingAsync"/>); the buffer goes back to the pool only once that read has finished.
/// </summary>
internal sealed class BodyPrefix(byte[] buffer, int length, Task<int>? pending) : IDisposable
{
    private byte[]? _buffer = buffer;
    private Task<int>? _pending = pending;

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, length);

    /// <summary>True when the origin had not finished sending the prefix when the budget ran out.</summary>
    public bool Partial => _pending is not null;

    /// <summary>True when the prefix is the whole body (the origin ended it within the scan limit).</summary>
    public bool Ended { get; init; }

    /// <summary>The bytes of the read still in flight (empty at the end of the body).</summary>
    public async ValueTask<ReadOnlyMemory<byte>> TakePendingAsync()
    {
        if (_pending is not { } pending)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        int n = await pending;
        _pending = null;
        return _buffer.AsMemory(length, n);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is not { } b)
        {
            return;
        }

        if (_pending is { IsCompleted: false } inFlight)
        {
            // The read still writes into the buffer: return it when the read ends (the response's disposal ends it).
            inFlight.ContinueWith(static (_, state) => ArrayPool<byte>.Shared.Return((byte[])state!), b, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        ArrayPool<byte>.Shared.Return(b);
    }
}

/// <summary>The content check's outcome for one response.</summary>
internal readonly record struct Inspection(bool Block, CategoryScore? Score, string? Summary)
{
    /// <summary>False when the prefix decompressed to more than the scan limit: the body goes on past what was judged.</summary>
    public bool Whole { get; init; } = true;
}

/// <summary>
/// The content inspection hook: for HTML, text and JSON responses, read a bounded prefix (http.scanMaxBytes),
/// decompress it (gzip, deflate, br) and ask the <see cref="IContentClassifier"/> within the time budget
/// (http.scanTimeoutMs). The profile decides: a blocked category at or above its threshold blocks. When the check
/// fails or runs out of time, pupils' profiles block (fail closed) and onScanFailure "allow" profiles pass, logged.
/// Binary content is never read here.
/// </summary>
internal sealed class ContentInspector(IContentClassifier classifier, PolicySnapshotHolder snapshots, FilterProxy.Metrics.GatewayMetrics metrics)
{
    private const int InlineCheckBytes = 16 * 1024;

    public static ContentKind? KindOf(string? mediaType) => mediaType?.ToLowerInvariant() switch
    {
        "text/html" or "application/xhtml+xml" => ContentKind.Html,
        "text/plain" => ContentKind.Text,
        "application/json" => ContentKind.Json,
        "text/event-stream" => ContentKind.EventStream,
        "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/x-jsonlines" or "application/jsonlines" or "application/stream+json" => ContentKind.JsonLines,
        { } m when m.EndsWith("+json", StringComparison.Ordinal) => ContentKind.Json,
        _ => null,
    };

    /// <summary>Kinds judged as they stream from their first byte (an AI answer): never held back for a prefix.</summary>
    public static bool StreamsFromStart(ContentKind kind) => kind is ContentKind.EventStream or ContentKind.JsonLines;

    /// <summary>What is read of a WebSocket session: the server's text judged (not for a protected help service), the client's read as prompts when <paramref name="onClientMessage"/> is given.</summary>
    public WebSocketCheck OpenWebSocket(Profile profile, string host, Action<string>? onClientMessage) =>
        new(OpenStream(ContentKind.JsonLines, "utf-8", profile, host), onClientMessage);

    /// <summary>The check for a response judged as it streams (decoded bytes), or null when it is not judged (a protected help service, a classifier without streaming).</summary>
    public StreamCheck? OpenStream(ContentKind kind, string? charset, Profile profile, string host)
    {
        PolicySnapshot snapshot = snapshots.Current;
        return snapshot.Settings.HelpServices.Contains(host) || classifier.OpenStream(kind, charset, host, profile.Blocked, profile.ContentThreshold) is not { } stream
            ? null
            : new StreamCheck(stream, profile, classifier.Name, snapshot.Settings.Http.ScanTimeout, metrics);
    }

    public string ClassifierName => classifier.Name;

    /// <summary>
    /// Reads up to http.scanMaxBytes, or to the end of the body, or for at most http.scanTimeoutMs: a page that
    /// streams slowly is judged on what has arrived, and is not held back from the client for longer than that.
    /// </summary>
    public async Task<BodyPrefix> ReadPrefixAsync(Stream body, CancellationToken cancellationToken)
    {
        HttpSettings settings = snapshots.Current.Settings.Http;
        int max = settings.ScanMaxBytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(max);
        int length = 0;
        Task? deadline = null;
        try
        {
            while (length < max)
            {
                Task<int> read = body.ReadAsync(buffer.AsMemory(length, max - length), cancellationToken).AsTask();
                if (!read.IsCompleted)
                {
                    deadline ??= Forwarding.TimeoutBuckets.Deadline(settings.ScanTimeout);
                    if (await Task.WhenAny(read, deadline) != read)
                    {
                        return new BodyPrefix(buffer, length, read);
                    }
                }

                int n = await read;
                if (n == 0)
                {
                    return new BodyPrefix(buffer, length, null) { Ended = true };
                }

                length += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return new BodyPrefix(buffer, length, null);
    }

    public async Task<Inspection> InspectAsync(BodyPrefix prefix, ContentKind kind, string? charset, string? contentEncoding, Profile profile, string host, CancellationToken cancellationToken)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Inspection inspection = await InspectCoreAsync(prefix, kind, charset, contentEncoding, profile, host, cancellationToken);
        metrics.ContentCheck(System.Diagnostics.Stopwatch.GetElapsedTime(started), inspection.Block);
        return inspection;
    }

    private async Task<Inspection> InspectCoreAsync(BodyPrefix prefix, ContentKind kind, string? charset, string? contentEncoding, Profile profile, string host, CancellationToken cancellationToken)
    {
        if (snapshots.Current.Settings.HelpServices.Contains(host))
        {
            // Help pages are full of the words the check looks for (suicide, self-harm, abuse): never blocked by it.
            return new Inspection(false, null, null);
        }

        TimeSpan budget = snapshots.Current.Settings.Http.ScanTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(budget);
        byte[]? decoded = null;
        bool whole = true;
        try
        {
            ReadOnlyMemory<byte> body = prefix.Memory;
            if (!string.IsNullOrEmpty(contentEncoding) && !contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                int max = snapshots.Current.Settings.Http.ScanMaxBytes;
                decoded = ArrayPool<byte>.Shared.Rent(max);
                int length = Decompress(prefix.Memory, contentEncoding, decoded.AsSpan(0, max));
                if (length < 0)
                {
                    return Failure(profile, $"the content check could not read '{contentEncoding}' encoded content");
                }

                body = decoded.AsMemory(0, length);
                whole = length < max;
            }

            // Reading a big page is CPU work (about 0.2 ms per 100 KB): leave the socket thread (Kestrel runs requests
            // inline) for those; a small body is checked in a few microseconds, cheaper than the hop.
            if (body.Length > InlineCheckBytes)
            {
                await Task.Yield();
            }

            ContentVerdict verdict = await classifier.ClassifyAsync(new ContentSample(kind, body, charset, host), timeout.Token);
            CategoryScore? blocked = verdict.FirstBlocked(profile.Blocked, profile.ContentThreshold);
            CategoryScore? top = blocked ?? (verdict.Scores.Count > 0 ? verdict.Scores[0] : null);
            string? summary = top is null ? null : Summary(top, classifier.Name);
            return new Inspection(blocked is not null, blocked ?? top, summary) { Whole = whole };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure(profile, $"the content check did not finish within {budget.TotalMilliseconds:0} ms");
        }
        finally
        {
            if (decoded is not null)
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
    }

    public static string Summary(CategoryScore score, string classifierName) =>
        $"{Categories.NameOf(score.Category)} {score.Score:0.00} ({classifierName}): {string.Join(", ", score.Evidence)}";

    private static Inspection Failure(Profile profile, string why) =>
        new(!profile.ScanFailOpen, null, profile.ScanFailOpen ? why + "; allowed by the profile's onScanFailure" : why + "; blocked, because a filter that cannot check fails closed");

    /// <summary>Decompresses as much of a (possibly cut) compressed prefix as it can; -1 when the encoding is unknown or unreadable.</summary>
    internal static int Decompress(ReadOnlyMemory<byte> compressed, string encoding, Span<byte> destination)
    {
        using var input = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(compressed, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(compressed.ToArray(), writable: false);
        using Stream? stream = Forwarding.BodyDecoding.IsEncoded(encoding) ? Forwarding.BodyDecoding.Decode(encoding, input) : null;
        if (stream is null)
        {
            return -1;
        }

        int total = 0;
        try
        {
            while (total < destination.Length)
            {
                int n = stream.Read(destination[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // The prefix was cut mid-stream (or the data is corrupt): judge what was decoded.
            return total > 0 ? total : -1;
        }

        return total;
    }
}
