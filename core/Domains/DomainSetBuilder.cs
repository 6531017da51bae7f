using System.Buffers.Binary;
using System.Numerics;

namespace FilterProxy.Core.Domains;

/// <summary>
/// Builds a <see cref="DomainSet"/> directly in its final layout, so a 2M-line list costs no string per
/// line. Adding a name twice merges the two values with the merge function given to the constructor.
/// Not thread-safe.
/// </summary>
public sealed class DomainSetBuilder
{
    private const double MaxLoad = 0.75;
    private readonly Func<int, int, int> _merge;
    private ulong[] _slots;
    private byte[] _blob;
    private int _blobLength;
    private int _count;

    /// <param name="merge">Combines the existing and the new value of a repeated name; default keeps the first.</param>
    public DomainSetBuilder(Func<int, int, int>? merge = null, int expectedCount = 16)
    {
        _merge = merge ?? ((existing, _) => existing);
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, (int)(expectedCount / MaxLoad) + 1));
        _slots = new ulong[capacity];
        _blob = new byte[Math.Max(256, expectedCount * 24)];
    }

    public int Count => _count;

    /// <summary>Adds a name already normalised by <see cref="HostName.NormalizeEntry(ReadOnlySpan{char}, Span{byte}, out int, out string?)"/>.</summary>
    public void Add(ReadOnlySpan<byte> normalizedAscii, int value)
    {
        if (normalizedAscii.IsEmpty || normalizedAscii.Length > 255)
        {
            throw new ArgumentException("A domain entry must be 1–255 bytes.", nameof(normalizedAscii));
        }

        ulong hash = DomainHash.Of(normalizedAscii);
        uint tag = (uint)(hash >> 32);
        int mask = _slots.Length - 1;
        int index = (int)hash & mask;
        while (true)
        {
            ulong slot = _slots[index];
            if (slot == 0)
            {
                break;
            }

            if ((uint)(slot >> 32) == tag)
            {
                int offset = (int)(uint)slot - 1;
                if (_blob.AsSpan(offset + DomainSet.HeaderSize, _blob[offset + 4]).SequenceEqual(normalizedAscii))
                {
                    int existing = BinaryPrimitives.ReadInt32LittleEndian(_blob.AsSpan(offset));
                    BinaryPrimitives.WriteInt32LittleEndian(_blob.AsSpan(offset), _merge(existing, value));
                    return;
                }
            }

            index = (index + 1) & mask;
        }

        int newOffset = Append(normalizedAscii, value);
        _slots[index] = ((ulong)tag << 32) | (uint)(newOffset + 1);
        if (++_count > _slots.Length * MaxLoad)
        {
            Grow();
        }
    }

    /// <summary>Normalises and adds a name; returns false with a reason when the name is invalid.</summary>
    public bool TryAdd(ReadOnlySpan<char> name, int value, out string? error)
    {
        Span<byte> buffer = stackalloc byte[HostName.MaxLength + 2];
        if (!HostName.NormalizeEntry(name, buffer, out int length, out error))
        {
            return false;
        }

        Add(buffer[..length], value);
        return true;
    }

    public DomainSet Build()
    {
        byte[] blob = _blob.AsSpan(0, _blobLength).ToArray();
        return new DomainSet((ulong[])_slots.Clone(), blob, _count);
    }

    private int Append(ReadOnlySpan<byte> name, int value)
    {
        int needed = _blobLength + DomainSet.HeaderSize + name.Length;
        if (needed > _blob.Length)
        {
            long grown = Math.Max(needed, (long)_blob.Length * 2);
            if (grown > Array.MaxLength)
            {
                throw new InvalidOperationException("The domain set is larger than 2 GB; split the lists.");
            }

            Array.Resize(ref _blob, (int)grown);
        }

        int offset = _blobLength;
        BinaryPrimitives.WriteInt32LittleEndian(_blob.AsSpan(offset), value);
        _blob[offset + 4] = (byte)name.Length;
        name.CopyTo(_blob.AsSpan(offset + DomainSet.HeaderSize));
        _blobLength = needed;
        return offset;
    }

    private void Grow()
    {
        var slots = new ulong[_slots.Length * 2];
        int mask = slots.Length - 1;
        foreach (ulong slot in _slots)
        {
            if (slot == 0)
            {
                continue;
            }

            int offset = (int)(uint)slot - 1;
            ulong hash = DomainHash.Of(_blob.AsSpan(offset + DomainSet.HeaderSize, _blob[offset + 4]));
            int index = (int)hash & mask;
            while (slots[index] != 0)
            {
                index = (index + 1) & mask;
            }

            slots[index] = slot;
        }

        _slots = slots;
    }
}
