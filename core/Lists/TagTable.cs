using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Lists;

/// <summary>
/// Interns <see cref="CategoryTag"/>s: a domain stores only a tag index, and a name listed by several
/// lists gets the index of the merged tag. Distinct combinations are few, so this stays small.
/// </summary>
internal sealed class TagTable
{
    private readonly List<CategoryTag> _tags = [];
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, int), int> _merges = [];

    public IReadOnlyList<CategoryTag> Tags => _tags;

    public int ForOrigin(ListOrigin origin)
    {
        CategorySet set = CategorySet.Of(origin.Category);
        return origin.IsException
            ? Intern(CategorySet.Empty, set.Except(Categories.Categories.Sealed), [origin])
            : Intern(set, CategorySet.Empty, [origin]);
    }

    public int Merge(int existing, int incoming)
    {
        if (existing == incoming)
        {
            return existing;
        }

        if (_merges.TryGetValue((existing, incoming), out int merged))
        {
            return merged;
        }

        CategoryTag a = _tags[existing];
        CategoryTag b = _tags[incoming];
        ListOrigin[] origins = a.Origins.Concat(b.Origins).DistinctBy(static o => o.Id).OrderBy(static o => o.Id).ToArray();

        // A name both listed and excepted: listing wins within the set of the same entry (fail closed).
        CategorySet adds = a.Adds.Union(b.Adds);
        CategorySet removes = a.Removes.Union(b.Removes).Except(adds);
        merged = Intern(adds, removes, origins);
        _merges[(existing, incoming)] = merged;
        return merged;
    }

    private int Intern(CategorySet adds, CategorySet removes, ListOrigin[] origins)
    {
        string key = $"{adds.Bits}:{removes.Bits}:{string.Join(',', origins.Select(static o => o.Id))}";
        if (!_byKey.TryGetValue(key, out int index))
        {
            index = _tags.Count;
            _tags.Add(new CategoryTag(adds, removes, origins));
            _byKey[key] = index;
        }

        return index;
    }
}
