using System.Runtime.CompilerServices;

namespace FilterProxy.Core.Domains;

/// <summary>
/// The entries of a <see cref="DomainSet"/> that matched a host, shortest suffix first. Held inline
/// (no allocation); a host with more matching suffixes than fit keeps the most specific ones.
/// </summary>
public struct DomainMatches
{
    public const int Capacity = 8;

    private Offsets _offsets;

    public int Count { get; private set; }

    /// <summary>Blob offset of match <paramref name="index"/> (0 = least specific).</summary>
    public readonly int this[int index] => _offsets[index];

    /// <summary>The most specific match, or -1 when nothing matched.</summary>
    public readonly int MostSpecific => Count == 0 ? -1 : _offsets[Count - 1];

    internal void Add(int offset)
    {
        if (Count == Capacity)
        {
            // Keep the most specific: drop the least specific.
            for (int i = 1; i < Capacity; i++)
            {
                _offsets[i - 1] = _offsets[i];
            }

            _offsets[Capacity - 1] = offset;
            return;
        }

        _offsets[Count++] = offset;
    }

    [InlineArray(Capacity)]
    private struct Offsets
    {
        private int _element0;
    }
}
