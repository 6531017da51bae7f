using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FilterProxy.Dns.Tables;

/// <summary>
/// A 128-bit hash of a key (XXH3-128 from System.IO.Hashing), seeded by a random secret per table. A table that stores
/// only this hash, not the key, then needs no string per key and no comparison against one (each a memory miss at
/// 100,000 keys). Two distinct keys share a hash with probability about 2⁻¹²⁸ per pair — across 100,000 open keys and a
/// billion lookups a day, once in 10¹⁹ years — and, the seed being secret and per process, nobody can aim for it. Not
/// for anything where a collision would serve one client another's answer: there the key itself is compared
/// (<see cref="Cache.DnsCache"/>). XXH3 replaced a hand-written xxHash64-round hash: half the time for DNS-sized keys
/// (<c>KeyHashBenchmarks</c>, 2026-12-07: 30/45/90 characters 16.8/22.7/28.4 ns → 9.6/11.6/14.0 ns, one run).
/// </summary>
internal readonly record struct KeyHash(ulong Low, ulong High)
{
    /// <summary>A fresh secret seed (XXH3 takes 64 bits of it).</summary>
    public static KeyHash NewSeed()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new KeyHash(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));
    }

    /// <summary>The hash of <paramref name="key"/> under <paramref name="seed"/>.</summary>
    public static KeyHash Of(ReadOnlySpan<char> key, KeyHash seed)
    {
        UInt128 hash = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(key), unchecked((long)(seed.Low ^ seed.High)));
        return new KeyHash((ulong)hash, (ulong)(hash >> 64));
    }
}
