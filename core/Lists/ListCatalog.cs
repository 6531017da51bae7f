using FilterProxy.Core.Categories;
using FilterProxy.Core.Domains;

namespace FilterProxy.Core.Lists;

/// <summary>
/// Every loaded list merged into one domain set and one URL set, each entry tagged with the
/// categories it adds or removes and where it came from. Immutable; shared by successive snapshots
/// until a list is refreshed.
/// </summary>
public sealed class ListCatalog
{
    public static readonly ListCatalog Empty = new(DomainSet.Empty, UrlSet.Empty, [], [], [], DateTimeOffset.MinValue, "");

    internal ListCatalog(
        DomainSet domains,
        UrlSet urls,
        IReadOnlyList<CategoryTag> tags,
        IReadOnlyList<ListReport> reports,
        IReadOnlyList<ListSource> sources,
        DateTimeOffset builtAt,
        string fingerprint)
    {
        Domains = domains;
        Urls = urls;
        Tags = [.. tags];
        Reports = reports;
        Sources = sources;
        BuiltAt = builtAt;
        Fingerprint = fingerprint;
    }

    public DomainSet Domains { get; }

    public UrlSet Urls { get; }

    internal CategoryTag[] Tags { get; }

    public IReadOnlyList<ListReport> Reports { get; }

    public IReadOnlyList<ListSource> Sources { get; }

    public DateTimeOffset BuiltAt { get; }

    /// <summary>The definitions this catalogue was built from (see <see cref="ListSource.Fingerprint"/>).</summary>
    public string Fingerprint { get; }

    public long MemoryBytes => Domains.MemoryBytes;

    /// <summary>The categories of a host from the lists alone, applying exceptions most-specific last.</summary>
    public CategorySet CategoriesOf(ReadOnlySpan<char> host, bool isIpLiteral, ref DomainMatches matches)
    {
        Domains.Match(host, !isIpLiteral, ref matches);
        CategorySet result = CategorySet.Empty;
        for (int i = 0; i < matches.Count; i++)
        {
            CategoryTag tag = Tags[Domains.ValueAt(matches[i])];
            result = result.Union(tag.Adds).Except(tag.Removes);
        }

        return result;
    }

    public CategoryTag TagAt(int value) => Tags[value];
}
