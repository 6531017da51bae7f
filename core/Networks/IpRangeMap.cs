using System.Net;

namespace FilterProxy.Core.Networks;

/// <summary>
/// Longest-prefix match from CIDR blocks to values, flattened at build time into sorted, disjoint
/// intervals so that a lookup is one binary search with no allocation.
/// </summary>
public sealed class IpRangeMap<T>
    where T : class
{
    private readonly UInt128[] _starts;
    private readonly UInt128[] _ends;
    private readonly T[] _values;

    public IpRangeMap(IEnumerable<(IpNetwork Network, T Value)> entries)
    {
        var list = entries.ToList();
        Networks = list.Count;
        var points = new SortedSet<UInt128>();
        foreach ((IpNetwork n, _) in list)
        {
            points.Add(n.First);
            if (n.Last != UInt128.MaxValue)
            {
                points.Add(n.Last + 1);
            }
        }

        var starts = new List<UInt128>();
        var ends = new List<UInt128>();
        var values = new List<T>();
        UInt128[] sorted = [.. points];
        for (int i = 0; i < sorted.Length; i++)
        {
            UInt128 start = sorted[i];
            UInt128 end = i + 1 < sorted.Length ? sorted[i + 1] - 1 : UInt128.MaxValue;
            T? best = null;
            int bestPrefix = -1;
            foreach ((IpNetwork n, T value) in list)
            {
                // Ties (the same block twice) go to the first listed.
                if (n.Contains(start) && n.PrefixLength > bestPrefix)
                {
                    best = value;
                    bestPrefix = n.PrefixLength;
                }
            }

            if (best is null)
            {
                continue;
            }

            if (values.Count > 0 && ReferenceEquals(values[^1], best) && ends[^1] + 1 == start)
            {
                ends[^1] = end;
                continue;
            }

            starts.Add(start);
            ends.Add(end);
            values.Add(best);
        }

        _starts = [.. starts];
        _ends = [.. ends];
        _values = [.. values];
    }

    /// <summary>How many CIDR blocks were given.</summary>
    public int Networks { get; }

    public T? Find(IPAddress? address) => address is null ? null : Find(IpNetwork.ToUInt128(address));

    public T? Find(UInt128 address)
    {
        int lo = 0;
        int hi = _starts.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_starts[mid] <= address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        int index = lo - 1;
        return index >= 0 && address <= _ends[index] ? _values[index] : null;
    }
}
