using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FilterProxy.Dns.Tables;

/// <summary>
/// A 128-bit hash of a key, keyed by a random 128-bit seed per table: xxHash64's four-accumulator rounds over the key,
/// then two different mixes of the 256-bit state for the two halves. A table that stores only this hash, not the key, then needs no
/// string per key and no comparison against one (each a memory miss at 100,000 keys). Two distinct keys share a hash
/// with probability 2⁻¹²⁸ per pair — across 100,000 open keys and a billion lookups a day, once in 10¹⁹ years — and,
/// the seed being secret and per process, nobody can aim for it. Not for anything where a collision would serve one
/// client another's answer: there the key itself is compared (<see cref="Cache.DnsCache"/>).
/// </summary>
internal readonly record struct KeyHash(ulong Low, ulong High)
{
    private const ulong P1 = 0x9E3779B185EBCA87UL;
    private const ulong P2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong P3 = 0x165667B19E3779F9UL;
    private const ulong P4 = 0x85EBCA77C2B2AE63UL;
    private const ulong P5 = 0x27D4EB2F165667C5UL;

    /// <summary>A fresh secret seed.</summary>
    public static KeyHash NewSeed()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new KeyHash(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));
    }

    /// <summary>The hash of <paramref name="key"/> under <paramref name="seed"/>.</summary>
    public static KeyHash Of(ReadOnlySpan<char> key, KeyHash seed)
    {
        // Four accumulators take a word each in turn (independent chains, so the multiplies overlap); each step is a
        // bijection of the word, so the 256-bit state of two distinct keys of one length never meets within a stripe.
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(key);
        ulong length = (ulong)bytes.Length;
        ulong v1 = seed.Low + P1 + P2, v2 = seed.Low + P2, v3 = seed.High, v4 = seed.High - P1;
        int i = 0;
        for (; i + 32 <= bytes.Length; i += 32)
        {
            v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]));
            v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i + 8)..]));
            v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i + 16)..]));
            v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i + 24)..]));
        }

        // The rest, a word at a time into the next accumulator; the last word padded with zeros (the length, mixed in
        // below, tells "ab" from "ab\0").
        if (i < bytes.Length)
        {
            v1 = Round(v1, Word(bytes, i));
            v2 = i + 8 < bytes.Length ? Round(v2, Word(bytes, i + 8)) : v2;
            v3 = i + 16 < bytes.Length ? Round(v3, Word(bytes, i + 16)) : v3;
            v4 = i + 24 < bytes.Length ? Round(v4, Word(bytes, i + 24)) : v4;
        }

        // Two different mixes of the 256-bit state make the two halves.
        ulong low = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
        low = Merge(Merge(Merge(Merge(low, v1), v2), v3), v4) + length;
        ulong high = (v1 * P3) ^ BitOperations.RotateLeft(v2 * P4, 23) ^ BitOperations.RotateLeft(v3 * P5, 41) ^ BitOperations.RotateLeft(v4 * P2, 53);
        high = (high ^ (length * P1)) + seed.Low;
        return new KeyHash(Avalanche(low), Avalanche(high));
    }

    /// <summary>The eight bytes at <paramref name="at"/>, or the fewer left there padded with zeros.</summary>
    private static ulong Word(ReadOnlySpan<byte> bytes, int at)
    {
        if (at + 8 <= bytes.Length)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);
        }

        ulong word = 0;
        for (int k = bytes.Length - 1; k >= at; k--)
        {
            word = (word << 8) | bytes[k];
        }

        return word;
    }

    private static ulong Round(ulong accumulator, ulong input) => BitOperations.RotateLeft(accumulator + (input * P2), 31) * P1;

    private static ulong Merge(ulong hash, ulong accumulator) => ((hash ^ Round(0, accumulator)) * P1) + P4;

    private static ulong Avalanche(ulong h)
    {
        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        return h ^ (h >> 32);
    }
}
