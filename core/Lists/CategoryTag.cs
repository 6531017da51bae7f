using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Lists;

/// <summary>
/// What one listed name contributes: categories it adds, categories an exception removes (never the
/// sealed ones), and the origins, so a decision can name the list.
/// </summary>
public sealed record CategoryTag(CategorySet Adds, CategorySet Removes, ListOrigin[] Origins)
{
    /// <summary>The first origin that put the name in <paramref name="category"/>, if any.</summary>
    public ListOrigin? OriginOf(Category category)
    {
        foreach (ListOrigin origin in Origins)
        {
            if (origin.Category == category && !origin.IsException)
            {
                return origin;
            }
        }

        return null;
    }
}
