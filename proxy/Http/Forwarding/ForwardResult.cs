using FilterProxy.Core.Content;
using FilterProxy.Http.BlockPages;

namespace FilterProxy.Http.Forwarding;

/// <summary>
/// What forwarding did: the status and bytes sent to the client; or, when nothing was sent yet, why the client
/// must get a page instead (an upstream failure, or the content check's block).
/// </summary>
internal readonly record struct ForwardResult(int Status, long Bytes, BlockKind? Failure, string? FailureDetail, CategoryScore? ContentBlock, string? ContentSummary)
{
    public static ForwardResult Sent(int status, long bytes, string? contentSummary = null) => new(status, bytes, null, null, null, contentSummary);

    public static ForwardResult Failed(BlockKind kind, string detail) => new(0, 0, kind, detail, null, null);

    public static ForwardResult Blocked(CategoryScore? score, string summary) => new(0, 0, BlockKind.Content, summary, score, summary);

    /// <summary>The content check stopped the response part-way: <paramref name="bytes"/> had reached the client.</summary>
    public static ForwardResult Stopped(int status, long bytes, CategoryScore? score, string detail) =>
        new(status, bytes, BlockKind.Content, detail, score, detail) { MidStream = true };

    /// <summary>True when the response had started: the client has the start of it, then the notice.</summary>
    public bool MidStream { get; init; }
}
