namespace FilterProxy.Core.Content;

/// <summary>
/// Judges page text by what it says. The HTTP proxy calls it with a bounded, decompressed prefix of an HTML,
/// text or JSON response and a time budget (the token); the proxy, not the classifier, compares the scores
/// with the profile's threshold and blocked categories. What follows the prefix (and every server-sent event or
/// NDJSON answer) is judged as it streams, through <see cref="OpenStream"/>.
/// </summary>
public interface IContentClassifier
{
    /// <summary>A short name for events and the block page ("phrases", "model v3").</summary>
    string Name { get; }

    ValueTask<ContentVerdict> ClassifyAsync(ContentSample sample, CancellationToken cancellationToken);

    /// <summary>
    /// A judge for one streamed response that stops it when a category in <paramref name="blocked"/> reaches
    /// <paramref name="threshold"/>; null when this classifier reads whole samples only.
    /// </summary>
    IContentStream? OpenStream(ContentKind kind, string? charset, string host, Categories.CategorySet blocked, double threshold) => null;
}
