namespace FilterProxy.Core.Content;

public enum ContentKind : byte
{
    Html,
    Text,
    Json,

    /// <summary>Newline-delimited JSON (application/x-ndjson, jsonl): one value per line, as AI APIs stream answers.</summary>
    JsonLines,

    /// <summary>Server-sent events (text/event-stream): the <c>data:</c> payloads, JSON deltas unwrapped to their text.</summary>
    EventStream,
}

/// <summary>What the classifier reads: the start of a response body (already decompressed, at most the scan limit).</summary>
public readonly record struct ContentSample(ContentKind Kind, ReadOnlyMemory<byte> Body, string? Charset, string Host);
