using System.Buffers.Binary;
using System.Collections.Concurrent;
using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Dns.Cache;

/// <summary>
/// Upstream answers by (name, type, class, DO bit, safe-search target), stored without ID or OPT. A hit
/// copies the message into the caller's buffer, sets the ID and writes each TTL as
/// clamp(original, min, max) − age, so clients see TTLs count down. Hits allocate nothing.
/// Positive answers live for their smallest TTL (clamped); NXDOMAIN and NODATA for min(SOA TTL, SOA
/// minimum, negativeTtl) (RFC 2308); SERVFAIL and truncated answers are never cached.
/// </summary>
internal sealed class DnsCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly TimeProvider _time;
    private int _count;

    public DnsCache(TimeProvider time)
    {
        _time = time;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

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
        if (!_lookup.TryGetValue(key, out Entry? entry))
        {
            Interlocked.Increment(ref Misses);
            return false;
        }

        long now = _time.GetUtcNow().UtcTicks;
        if (now >= entry.ExpiresAt || entry.Message.Length > destination.Length)
        {
            Interlocked.Increment(ref Misses);
            return false;
        }

        Span<byte> message = destination[..entry.Message.Length];
        entry.Message.CopyTo(message);
        BinaryPrimitives.WriteUInt16BigEndian(message, id);
        long age = (now - entry.StoredAt) / TimeSpan.TicksPerSecond;
        foreach (int offset in entry.TtlOffsets)
        {
            long original = BinaryPrimitives.ReadUInt32BigEndian(entry.Message.AsSpan(offset));
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
        var entry = new Entry(message, ttlOffsets, now, now + (ttl * TimeSpan.TicksPerSecond), [.. parsed.AliasTargets]);
        if (_entries.TryAdd(key, entry))
        {
            if (Interlocked.Increment(ref _count) > settings.CacheSize)
            {
                Evict(settings.CacheSize, now);
            }
        }
        else
        {
            _entries[key] = entry;
        }
    }

    /// <summary>Stores a message FilterProxy composed itself (a safe-search CNAME answer) for <paramref name="ttl"/> seconds.</summary>
    public void StoreComposed(string key, ReadOnlySpan<byte> message, int[] ttlOffsets, int ttl, DnsSettings settings)
    {
        if (settings.CacheSize == 0 || ttl <= 0)
        {
            return;
        }

        byte[] copy = message.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(copy, 0);
        long now = _time.GetUtcNow().UtcTicks;
        if (_entries.TryAdd(key, new Entry(copy, ttlOffsets, now, now + (ttl * TimeSpan.TicksPerSecond), [])) && Interlocked.Increment(ref _count) > settings.CacheSize)
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
        foreach ((string key, Entry entry) in _entries)
        {
            if (entry.ExpiresAt <= now && _entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        foreach (string key in _entries.Keys)
        {
            if (Volatile.Read(ref _count) <= target)
            {
                break;
            }

            if (_entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private sealed record Entry(byte[] Message, int[] TtlOffsets, long StoredAt, long ExpiresAt, string[] Aliases);
}
