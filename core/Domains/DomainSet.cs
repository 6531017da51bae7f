using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace FilterProxy.Core.Domains;

/// <summary>
/// An immutable set of domains, each carrying an <see cref="int"/> value, answering "which label
/// suffixes of this host are listed?" without allocating.
/// <para>
/// Layout (about 20 bytes per domain plus the name itself): every entry lives in one byte blob as
/// <c>[int32 value][byte length][ASCII name]</c>; an open-addressing table of <c>ulong</c> slots holds
/// <c>hashTag(32) | blobOffset+1(32)</c>, so a probe rejects a non-matching slot without touching the
/// blob. The hash is fed right to left (<see cref="DomainHash"/>) so one pass over a host yields the
/// hash of every suffix.
/// </para>
/// </summary>
public sealed class DomainSet
{
    public static readonly DomainSet Empty = new DomainSetBuilder().Build();

    internal const int HeaderSize = 5;
    private readonly ulong[] _slots;
    private readonly byte[] _blob;
    private readonly int _mask;

    internal DomainSet(ulong[] slots, byte[] blob, int count)
    {
        _slots = slots;
        _blob = blob;
        _mask = slots.Length - 1;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Bytes held by this set's arrays (for the memory budget and the health page).</summary>
    public long MemoryBytes => ((long)_slots.Length * sizeof(ulong)) + _blob.Length;

    /// <summary>
    /// Finds every listed suffix of <paramref name="host"/> (case-insensitive ASCII, no trailing dot).
    /// For IP literals pass <paramref name="suffixes"/> = false so only the whole string is tried.
    /// </summary>
    public void Match(ReadOnlySpan<char> host, bool suffixes, ref DomainMatches matches)
    {
        if (Count == 0 || host.IsEmpty)
        {
            return;
        }

        if (!suffixes)
        {
            ulong whole = DomainHash.Seed;
            for (int i = host.Length - 1; i >= 0; i--)
            {
                whole = DomainHash.Step(whole, host[i]);
            }

            int offset = Find(DomainHash.Finish(whole), host);
            if (offset >= 0)
            {
                matches.Add(offset);
            }

            return;
        }

        ulong h = DomainHash.Seed;
        for (int i = host.Length - 1; i >= 0; i--)
        {
            h = DomainHash.Step(h, host[i]);
            if (i == 0 || host[i - 1] == '.')
            {
                int offset = Find(DomainHash.Finish(h), host[i..]);
                if (offset >= 0)
                {
                    matches.Add(offset);
                }
            }
        }
    }

    /// <summary>True if the host or one of its parent domains is listed.</summary>
    public bool ContainsSuffixOf(ReadOnlySpan<char> host)
    {
        var matches = default(DomainMatches);
        Match(host, suffixes: true, ref matches);
        return matches.Count > 0;
    }

    /// <summary>The value stored with the entry at a blob offset returned by <see cref="Match"/>.</summary>
    public int ValueAt(int offset) => BinaryPrimitives.ReadInt32LittleEndian(_blob.AsSpan(offset));

    /// <summary>The listed name at a blob offset (allocates: for explanations only).</summary>
    public string NameAt(int offset) => Encoding.ASCII.GetString(_blob, offset + HeaderSize, _blob[offset + 4]);

    /// <summary>Every entry, for exports and tests.</summary>
    public IEnumerable<(string Name, int Value)> Entries()
    {
        int offset = 0;
        while (offset < _blob.Length)
        {
            yield return (NameAt(offset), ValueAt(offset));
            offset += HeaderSize + _blob[offset + 4];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ulong hash, ReadOnlySpan<char> name)
    {
        uint tag = (uint)(hash >> 32);
        int index = (int)hash & _mask;
        while (true)
        {
            ulong slot = _slots[index];
            if (slot == 0)
            {
                return -1;
            }

            if ((uint)(slot >> 32) == tag)
            {
                int offset = (int)(uint)slot - 1;
                if (EqualsAt(offset, name))
                {
                    return offset;
                }
            }

            index = (index + 1) & _mask;
        }
    }

    private bool EqualsAt(int offset, ReadOnlySpan<char> name)
    {
        byte[] blob = _blob;
        int length = blob[offset + 4];
        if (length != name.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> stored = blob.AsSpan(offset + HeaderSize, length);
        for (int i = 0; i < stored.Length; i++)
        {
            if (stored[i] != DomainHash.Fold(name[i]))
            {
                return false;
            }
        }

        return true;
    }
}
