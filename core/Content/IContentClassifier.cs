namespace FilterProxy.Core.Content;

/// <summary>
/// Judges page text by what it says. The HTTP proxy calls it with a bounded, decompressed prefix of an HTML,
/// text or JSON response and a time budget (the token); the proxy, not the classifier, compares the scores
/// with the profile's threshold and blocked categories.
/// </summary>
public interface IContentClassifier
{
    /// <summary>A short name for events and the block page ("phrases", "model v3").</summary>
    string Name { get; }

    ValueTask<ContentVerdict> ClassifyAsync(ContentSample sample, CancellationToken cancellationToken);
}
