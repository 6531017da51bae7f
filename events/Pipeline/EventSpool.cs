using System.Buffers.Binary;
using System.Numerics;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Events.Pipeline;

/// <summary>
/// The durable spool: an append-only file of batches, each framed as [length][CRC-32C][JSON], fsynced as
/// written, plus a small file holding how far replay has got. Batches are replayed in the order written;
/// once all have been replayed both files are emptied. A torn last record (power cut mid-write) is found by
/// its length or checksum and cut off, with a warning; nothing before it is lost.
/// </summary>
internal sealed class EventSpool : IDisposable
{
    private const int HeaderBytes = 8;
    private readonly string _path;
    private readonly string _positionPath;
    private readonly FileStream _file;
    private long _readOffset;
    private bool _unsynced;

    public EventSpool(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "events.spool");
        _positionPath = Path.Combine(directory, "events.spool.pos");
        _file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        _readOffset = File.Exists(_positionPath) && new FileInfo(_positionPath).Length == 8
            ? Math.Min(BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(_positionPath)), _file.Length)
            : 0;
    }

    public string FilePath => _path;

    /// <summary>Bytes written but not yet replayed.</summary>
    public long PendingBytes => _file.Length - _readOffset;

    public bool HasPending => _file.Length > _readOffset;

    /// <summary>A record that could not be read back (torn or corrupt): set when one was cut off.</summary>
    public string? LastCorruption { get; private set; }

    /// <summary>
    /// Appends a batch (written to the OS at once; made durable by <see cref="Sync"/>, which the writer calls once per
    /// round: group commit, so a burst of batches costs one fsync, not one each).
    /// </summary>
    /// <exception cref="IOException">The disk is full or failing; nothing was kept.</exception>
    public void Append(SpoolBatch batch)
    {
        byte[] json = EventJson.Serialize(batch);
        var header = new byte[HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header, json.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Crc32C(json));
        long start = _file.Length;
        try
        {
            _file.Seek(start, SeekOrigin.Begin);
            _file.Write(header);
            _file.Write(json);
            _file.Flush(flushToDisk: false);
            _unsynced = true;
        }
        catch (IOException)
        {
            _file.SetLength(start); // leave no half record behind
            throw;
        }
    }

    /// <summary>Makes every appended batch durable (fsync).</summary>
    /// <exception cref="IOException">The disk is failing.</exception>
    public void Sync()
    {
        if (_unsynced)
        {
            _file.Flush(flushToDisk: true);
            _unsynced = false;
        }
    }

    /// <summary>The oldest batch not yet replayed, or null. Call <see cref="Advance"/> once it is stored.</summary>
    public (SpoolBatch Batch, long Next)? Peek() => PeekAt(_readOffset);

    /// <summary>The batch at <paramref name="offset"/> (the oldest, or one returned's Next: replay reads ahead), or null at the end.</summary>
    public (SpoolBatch Batch, long Next)? PeekAt(long offset)
    {
        long length = _file.Length;
        if (offset >= length)
        {
            return null;
        }

        var header = new byte[HeaderBytes];
        _file.Seek(offset, SeekOrigin.Begin);
        if (length - offset < HeaderBytes || _file.Read(header) != HeaderBytes)
        {
            return Cut(offset, "a torn record header");
        }

        int size = BinaryPrimitives.ReadInt32LittleEndian(header);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        if (size <= 0 || size > length - offset - HeaderBytes)
        {
            return Cut(offset, $"a record of {size} bytes past the end of the file");
        }

        var json = new byte[size];
        _file.ReadExactly(json);
        if (Crc32C(json) != crc)
        {
            return Cut(offset, "a record whose checksum does not match");
        }

        return (EventJson.Batch(json), offset + HeaderBytes + size);
    }

    private (SpoolBatch, long)? Cut(long offset, string what)
    {
        LastCorruption = $"{_path} at byte {offset}: {what}; cut off ({_file.Length - offset} bytes)";
        _file.SetLength(offset);
        return null;
    }

    public void Advance(long next)
    {
        _readOffset = next;
        if (!HasPending)
        {
            // Everything replayed: start both files again.
            _file.SetLength(0);
            _file.Flush(flushToDisk: true);
            _readOffset = 0;
        }

        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _readOffset);
        string temp = _positionPath + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, _positionPath, overwrite: true);
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }

    public void Dispose() => _file.Dispose();
}
