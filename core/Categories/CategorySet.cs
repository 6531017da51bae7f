using System.Numerics;
using System.Text;

namespace FilterProxy.Core.Categories;

/// <summary>An immutable set of categories held as a 64-bit mask (bit = <see cref="Category"/> id).</summary>
public readonly record struct CategorySet(ulong Bits)
{
    public static readonly CategorySet Empty;

    public bool IsEmpty => Bits == 0;

    public int Count => BitOperations.PopCount(Bits);

    public static CategorySet Of(params ReadOnlySpan<Category> categories)
    {
        ulong bits = 0;
        foreach (Category c in categories)
        {
            bits |= 1UL << (int)c;
        }

        return new CategorySet(bits);
    }

    public bool Contains(Category category) => (Bits & (1UL << (int)category)) != 0;

    public bool Overlaps(CategorySet other) => (Bits & other.Bits) != 0;

    public CategorySet Add(Category category) => new(Bits | (1UL << (int)category));

    public CategorySet Union(CategorySet other) => new(Bits | other.Bits);

    public CategorySet Intersect(CategorySet other) => new(Bits & other.Bits);

    public CategorySet Except(CategorySet other) => new(Bits & ~other.Bits);

    /// <summary>The category with the lowest id (the most serious come first), or null if empty.</summary>
    public Category? First() => Bits == 0 ? null : (Category)BitOperations.TrailingZeroCount(Bits);

    public Enumerator GetEnumerator() => new(Bits);

    public override string ToString()
    {
        if (Bits == 0)
        {
            return "(none)";
        }

        var sb = new StringBuilder();
        foreach (Category c in this)
        {
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Categories.NameOf(c));
        }

        return sb.ToString();
    }

    public struct Enumerator(ulong bits)
    {
        private ulong _remaining = bits;

        public Category Current { get; private set; }

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            int bit = BitOperations.TrailingZeroCount(_remaining);
            _remaining &= _remaining - 1;
            Current = (Category)bit;
            return true;
        }
    }
}
