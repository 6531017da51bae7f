using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Events.Stores.Sqlite;

/// <summary>
/// Events stored together: one row per (day, allowed|blocked) of a batch, holding the events as JSON lines, and one
/// index row per person, device, client and kind in it pointing at that key's events (chunk, offset and length). A
/// batch of 1,000 proxy events from a few hundred clients costs a few hundred small rows instead of 1,000 rows
/// and 3,000 index entries: that is what keeps logging cheap beside the proxy. Retention deletes whole blocks
/// (one day of one class each). The block's data is cut into chunks of whole lines of at most
/// <see cref="SqliteSchema.ChunkBytes"/> (an event larger than that has a chunk to itself), each stored compressed as its own row.
/// </summary>
internal sealed class EventBlock(bool blocked, ArrayBufferWriter<byte> data)
{
    private readonly ArrayBufferWriter<byte> _data = data;
    // Keyed by (prefix, value): the "u:jsmith" string is built once per block when the row is written, not per event.
    private readonly Dictionary<(char Prefix, string Value), Ref> _refs = [];
    private readonly List<int> _chunkStarts = [0];

    public bool Blocked { get; } = blocked;
    public long First { get; private set; } = long.MaxValue;
    public long Last { get; private set; } = long.MinValue;
    public int Count { get; private set; }
    public ArrayBufferWriter<byte> Buffer => _data;
    public int ChunkCount => _chunkStarts.Count;

    public ReadOnlySpan<byte> Chunk(int n) =>
        _data.WrittenSpan[_chunkStarts[n]..(n + 1 < _chunkStarts.Count ? _chunkStarts[n + 1] : _data.WrittenCount)];
    public IEnumerable<(string Key, Ref Ref)> Refs => _refs.Select(static p => ($"{p.Key.Prefix}:{p.Key.Value}", p.Value));

    public void Add(FilterEvent e, Utf8JsonWriter writer)
    {
        int offset = _data.WrittenCount;
        writer.Reset(_data);
        EventJson.Write(writer, e);
        writer.Flush();
        int length = _data.WrittenCount - offset;
        _data.GetSpan(1)[0] = (byte)'\n';
        _data.Advance(1);
        if (StartsChunk(_chunkStarts[^1], offset, _data.WrittenCount))
        {
            _chunkStarts.Add(offset); // this line would overfill the chunk: it starts the next one
        }

        int chunk = _chunkStarts.Count - 1;
        offset -= _chunkStarts[^1];
        long time = e.Time.ToUnixTimeMilliseconds();
        First = Math.Min(First, time);
        Last = Math.Max(Last, time);
        Count++;
        if (e.User is { } user)
        {
            Index('u', user, chunk, offset, length, time);
        }

        if (e.Device is { } device)
        {
            Index('d', device, chunk, offset, length, time);
        }

        if (e.ClientIp is { } client)
        {
            Index('c', client, chunk, offset, length, time);
        }

        Index('k', FilterEvent.KindName(e.Kind), chunk, offset, length, time);
    }

    /// <summary>Whether the line at [start, end) begins a new chunk after the one begun at chunkStart.</summary>
    public static bool StartsChunk(int chunkStart, int start, int end) => start > chunkStart && end - chunkStart > SqliteSchema.ChunkBytes;

    private void Index(char prefix, string value, int chunk, int offset, int length, long time)
    {
        if (!_refs.TryGetValue((prefix, value), out Ref? r))
        {
            _refs[(prefix, value)] = r = new Ref();
        }

        r.Add(chunk, offset, length, time);
    }

    internal sealed class Ref
    {
        private readonly ArrayBufferWriter<byte> _slices = new(64);

        public long First { get; private set; } = long.MaxValue;
        public long Last { get; private set; } = long.MinValue;
        public ReadOnlyMemory<byte> Slices => _slices.WrittenMemory;

        public const int SliceBytes = 12;

        public void Add(int chunk, int offset, int length, long time)
        {
            Span<byte> s = _slices.GetSpan(SliceBytes);
            BinaryPrimitives.WriteInt32LittleEndian(s, chunk);
            BinaryPrimitives.WriteInt32LittleEndian(s[4..], offset);
            BinaryPrimitives.WriteInt32LittleEndian(s[8..], length);
            _slices.Advance(SliceBytes);
            First = Math.Min(First, time);
            Last = Math.Max(Last, time);
        }
    }
}
