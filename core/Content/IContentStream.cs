namespace FilterProxy.Core.Content;

/// <summary>
/// One response judged as it streams: decompressed body bytes go in as they arrive, and the classifier keeps its
/// state between them (the extractor's place in the markup, a window of recent text, the page's phrase evidence), so
/// a stream costs about what judging its text once would. It knows the profile's blocked categories and threshold,
/// and answers when to stop. Not thread-safe: one per response.
/// </summary>
public interface IContentStream : IDisposable
{
    /// <summary>
    /// Adds the next bytes. When <paramref name="judge"/> is false they only advance the stream's state (the
    /// prefix the proxy already judged whole). Returns the verdict that stops the response, or null to go on.
    /// </summary>
    ContentVerdict? Write(ReadOnlySpan<byte> body, bool judge = true);

    /// <summary>The end of the body: judges whatever text is still waiting; the verdict that stops it, or null.</summary>
    ContentVerdict? Complete();

    /// <summary>The text the stopping verdict was reached on (bounded), for the event's evidence.</summary>
    string LastWindow { get; }

    /// <summary>Characters of text read so far.</summary>
    long TextChars { get; }
}
