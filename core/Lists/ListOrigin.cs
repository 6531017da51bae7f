using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Lists;

/// <summary>Where a listed entry came from: the list, the list's own category name, and ours.</summary>
/// <param name="IsException">An AdBlock <c>@@</c> exception: removes the category for the name and its subdomains.</param>
public sealed record ListOrigin(int Id, string ListName, string SourceCategory, Category Category, bool IsException)
{
    private string? _display;

    /// <summary>"list" or "list/folder" (computed once: events use it on every blocked request).</summary>
    public override string ToString() => _display ??=
        SourceCategory.Length == 0 || SourceCategory == Categories.Categories.NameOf(Category)
            ? ListName
            : $"{ListName}/{SourceCategory}";
}
