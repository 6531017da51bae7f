namespace FilterProxy.Core.Lists;

/// <summary>Receives what a list parser finds; the sink checks and stores the entries.</summary>
internal interface IListSink
{
    void Domain(ReadOnlySpan<char> name, bool exception, long line, ReadOnlySpan<char> text);

    void Url(ReadOnlySpan<char> url, long line, ReadOnlySpan<char> text);

    void Skip();

    void Reject(long line, string reason, ReadOnlySpan<char> text);

    void Progress(long bytes);
}
