namespace FilterProxy.Core.Content;

public enum ContentKind : byte
{
    Html,
    Text,
    Json,
}

/// <summary>What the classifier reads: the start of a response body (already decompressed, at most the scan limit).</summary>
public readonly record struct ContentSample(ContentKind Kind, ReadOnlyMemory<byte> Body, string? Charset, string Host);
