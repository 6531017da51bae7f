using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Tables;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Dns.Cache;

/// <summary>
/// Upstream answers by (name, type, class, DO bit, safe-search target), stored without ID or OPT. A hit
/// copies the message into the caller's buffer, sets the ID and writes each TTL as
/// clamp(original, min, max) − age, so clients see TTLs count down. Hits allocate nothing.
/// Positive answers live for their smallest TTL (clamped); NXDOMAIN and NODATA for min(SOA TTL, SOA
/// minimum, negativeTtl) (RFC 2308); SERVFAIL and truncated answers are never cached.
/// Entries are found by the hash of their key (<see cref="HashedTable{T}"/>) and the key itself is then compared, so a
/// hit reads a slot, the entry and one array holding the key, the message and its TTL offsets: three places in memory,
/// where a dictionary of strings read six.
/// </summary>
internal sealed class DnsCache(TimeProvider time)
{
    /// <summary>Room for <c>dns.cacheSize</c>'s largest value (10 million) within three quarters of every shard.</summary>
    private const int MaxSlotsPerShard = 1 << 20;
    private readonly HashedTable<Entry> _entries = new(MaxSlotsPerShard);
    private readonly KeyHash _seed = KeyHash.NewSeed();
    private readonly TimeProvider _time = time;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public long Hits;
    public long Misses;

    /// <summary>Writes the cache key ("name|type|class|do|target", name lower-cased) and returns its length.</summary>
    public static int Key(ReadOnlySpan<char> name, ushort type, ushort @class, bool dnssecOk, ReadOnlySpan<char> safeTarget, Span<char> key)
    {
        int n = name.ToLowerInvariant(key);
        key[n++] = '|';
        type.TryFormat(key[n..], out int w, provider: System.Globalization.CultureInfo.InvariantCulture);
        n += w;
        key[n++] = '|';
        @class.TryFormat(key[n..], out w, provider: System.Globalization.CultureInfo.InvariantCulture);
        n += w;
        key[n++] = dnssecOk ? '|' : ':';
        safeTarget.CopyTo(key[n..]);
        return n + safeTarget.Length;
    }

    /// <summary>Room for any key: a 255-char name, two numbers, separators and a target name.</summary>
    public const int MaxKeyLength = DnsLimits.MaxNameChars * 2 + 16;

    public bool TryGet(ReadOnlySpan<char> key, ushort id, DnsSettings settings, Span<byte> destination, out int length, out string[] aliases)
    {
        length = 0;
        aliases = [];
        KeyHash hash = KeyHash.Of(key, _seed);
        HashedTable<Entry>.Shard shard = _entries.For(hash);
        Entry? entry;
        lock (shard.Gate)
        {
            entry = shard.Find(hash);
        }

        long now = entry is null ? 0 : _time.GetUtcNow().UtcTicks; // a miss needs no clock
        if (entry is null || !entry.Key.SequenceEqual(key) || now >= entry.ExpiresAt || entry.Message.Length > destination.Length)
        {
            Interlocked.Increment(ref Misses);
            return false;
        }

        // An entry is never changed once stored (a newer answer replaces it), so it is read outside the lock.
        ReadOnlySpan<byte> stored = entry.Message;
        Span<byte> message = destination[..stored.Length];
        stored.CopyTo(message);
        BinaryPrimitives.WriteUInt16BigEndian(message, id);
        long age = (now - entry.StoredAt) / TimeSpan.TicksPerSecond;
        foreach (ushort offset in entry.TtlOffsets)
        {
            long original = BinaryPrimitives.ReadUInt32BigEndian(stored[offset..]);
            long served = Math.Clamp(original, settings.MinTtl, settings.MaxTtl) - age;
            BinaryPrimitives.WriteUInt32BigEndian(message[offset..], (uint)Math.Max(0, served));
        }

        length = message.Length;
        aliases = entry.Aliases;
        Interlocked.Increment(ref Hits);
        return true;
    }

    /// <summary>Stores an upstream answer (already stripped of ID and OPT by <see cref="DnsMessage.WithoutOpt"/>) if it is cacheable.</summary>
    public void Store(string key, DnsMessage parsed, byte[] message, int[] ttlOffsets, DnsSettings settings)
    {
        if (settings.CacheSize == 0 || parsed.Truncated || !TryTtl(parsed, settings, out int ttl) || ttl <= 0)
        {
            return;
        }

        long now = _time.GetUtcNow().UtcTicks;
        Add(new Entry(key, message, ttlOffsets, now, now + (ttl * TimeSpan.TicksPerSecond), [.. parsed.AliasTargets]), settings, now);
    }

    /// <summary>Stores a message FilterProxy composed itself (a safe-search CNAME answer) for <paramref name="ttl"/> seconds.</summary>
    public void StoreComposed(string key, ReadOnlySpan<byte> message, int[] ttlOffsets, int ttl, DnsSettings settings)
    {
        if (settings.CacheSize == 0 || ttl <= 0)
        {
            return;
        }

        long now = _time.GetUtcNow().UtcTicks; // the message's ID is kept, but every hit writes the asker's over it
        Add(new Entry(key, message, ttlOffsets, now, now + (ttl * TimeSpan.TicksPerSecond), []), settings, now);
    }

    /// <summary>Adds or replaces the entry for its key; evicts when the cache is over its size.</summary>
    private void Add(Entry entry, DnsSettings settings, long now)
    {
        KeyHash hash = KeyHash.Of(entry.Key, _seed);
        HashedTable<Entry>.Shard shard = _entries.For(hash);
        bool added;
        lock (shard.Gate)
        {
            if (shard.Find(hash) is { } old && shard.Remove(hash, old))
            {
                Interlocked.Decrement(ref _count);
            }

            added = shard.TryAdd(hash, entry); // false only when the shard is full: the answer is simply not cached
        }

        if (added && Interlocked.Increment(ref _count) > settings.CacheSize)
        {
            Evict(settings.CacheSize, now);
        }
    }

    private static bool TryTtl(DnsMessage m, DnsSettings settings, out int ttl)
    {
        ttl = 0;
        bool negative = m.Rcode == DnsRcode.NxDomain || (m.Rcode == DnsRcode.NoError && m.AnswerCount == 0);
        if (negative)
        {
            ttl = (int)Math.Min(m.SoaNegativeTtl ?? (uint)settings.NegativeTtl, (uint)settings.NegativeTtl);
            return true;
        }

        if (m.Rcode != DnsRcode.NoError || m.MinTtl is null)
        {
            return false;
        }

        ttl = (int)Math.Clamp(m.MinTtl.Value, (uint)settings.MinTtl, (uint)settings.MaxTtl);
        return true;
    }

    private void Evict(int capacity, long now)
    {
        // Expired entries first; then arbitrary ones until an eighth of the room is free again.
        int target = capacity - Math.Max(1, capacity / 8);
        int count = Interlocked.Add(ref _count, -_entries.RemoveWhere(entry => entry.ExpiresAt <= now));
        if (count > target)
        {
            Interlocked.Add(ref _count, -_entries.RemoveAny(count - target));
        }
    }

    /// <summary>
    /// One cached answer, never changed once stored. <see cref="Data"/> holds the key (UTF-16), then the message, then the
    /// TTL offsets (16-bit), so a hit that compares the key has the message in the next cache lines.
    /// </summary>
    private sealed class Entry
    {
        private readonly int _keyBytes;
        private readonly int _messageBytes;

        public Entry(string key, ReadOnlySpan<byte> message, int[] ttlOffsets, long storedAt, long expiresAt, string[] aliases)
        {
            _keyBytes = key.Length * sizeof(char);
            _messageBytes = message.Length;
            Data = new byte[_keyBytes + _messageBytes + (ttlOffsets.Length * sizeof(ushort))];
            MemoryMarshal.AsBytes(key.AsSpan()).CopyTo(Data);
            message.CopyTo(Data.AsSpan(_keyBytes));
            Span<ushort> offsets = MemoryMarshal.Cast<byte, ushort>(Data.AsSpan(_keyBytes + _messageBytes));
            for (int i = 0; i < ttlOffsets.Length; i++)
            {
                offsets[i] = checked((ushort)ttlOffsets[i]);
            }

            StoredAt = storedAt;
            ExpiresAt = expiresAt;
            Aliases = aliases;
        }

        public byte[] Data { get; }

        public long StoredAt { get; }

        public long ExpiresAt { get; }

        public string[] Aliases { get; }

        public ReadOnlySpan<char> Key => MemoryMarshal.Cast<byte, char>(Data.AsSpan(0, _keyBytes));

        public ReadOnlySpan<byte> Message => Data.AsSpan(_keyBytes, _messageBytes);

        public ReadOnlySpan<ushort> TtlOffsets => MemoryMarshal.Cast<byte, ushort>(Data.AsSpan(_keyBytes + _messageBytes));
    }
}
