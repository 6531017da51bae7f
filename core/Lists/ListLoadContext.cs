using FilterProxy.Core.Categories;
using FilterProxy.Core.Domains;

namespace FilterProxy.Core.Lists;

/// <summary>Receives one file's entries for one origin and keeps that list's counts and rejected lines.</summary>
internal sealed class ListLoadContext(
    DomainSetBuilder domains,
    UrlSetBuilder urls,
    TagTable tags,
    Action<long>? progress) : IListSink
{
    private readonly List<ListLineError> _samples = [];
    private int _tag;
    private int _exceptionTag;
    private string _file = "";

    public long Domains { get; private set; }
    public long Urls { get; private set; }
    public long Exceptions { get; private set; }
    public long Skipped { get; private set; }
    public long Rejected { get; private set; }
    public IReadOnlyList<ListLineError> Samples => _samples;

    public void Begin(string file, ListOrigin origin, ListOrigin exceptionOrigin)
    {
        _file = file;
        _tag = tags.ForOrigin(origin);
        _exceptionTag = tags.ForOrigin(exceptionOrigin);
    }

    public void Domain(ReadOnlySpan<char> name, bool exception, long line, ReadOnlySpan<char> text)
    {
        Span<byte> buffer = stackalloc byte[HostName.MaxLength + 2];
        if (!HostName.NormalizeEntry(name, buffer, out int length, out string? error))
        {
            Reject(line, error ?? "invalid name", text);
            return;
        }

        ReadOnlySpan<byte> normalized = buffer[..length];
        if (!normalized.Contains((byte)'.') && !normalized.Contains((byte)':'))
        {
            Reject(line, "a single label would block a whole top-level domain; put it in a profile's deny list if you mean it", text);
            return;
        }

        domains.Add(normalized, exception ? _exceptionTag : _tag);
        if (exception)
        {
            Exceptions++;
        }
        else
        {
            Domains++;
        }
    }

    public void Url(ReadOnlySpan<char> url, long line, ReadOnlySpan<char> text)
    {
        if (!urls.TryAdd(url, _tag, out string? error))
        {
            Reject(line, error ?? "invalid URL", text);
            return;
        }

        Urls++;
    }

    public void Skip() => Skipped++;

    public void Reject(long line, string reason, ReadOnlySpan<char> text)
    {
        Rejected++;
        if (_samples.Count < ListReport.MaxSamples)
        {
            string shown = text.Length > 120 ? string.Concat(text[..120], "…") : text.ToString();
            _samples.Add(new ListLineError(_file, line, reason, shown));
        }
    }

    public void RejectFile(string file, string reason)
    {
        Rejected++;
        if (_samples.Count < ListReport.MaxSamples)
        {
            _samples.Add(new ListLineError(file, 0, reason, ""));
        }
    }

    public void Progress(long bytes) => progress?.Invoke(bytes);

    public static ListOrigin Exception(ListOrigin origin) => origin with { Id = origin.Id + 1, IsException = true };

    public static Category? MapCategory(ListSource source, string folder) =>
        source.CategoryMap.TryGetValue(folder, out Category? mapped) ? mapped
        : Ut1Categories.Default.TryGetValue(folder, out mapped) ? mapped
        : Categories.Categories.TryParse(folder, out Category? own) ? own
        : null;
}
