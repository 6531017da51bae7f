using System.Runtime.CompilerServices;

namespace FilterProxy.Core.Domains;

/// <summary>
/// FNV-1a over ASCII-folded characters, fed from the LAST character to the first. Feeding right to left
/// means that while walking a host backwards we hold the hash of every label suffix in turn
/// ("com", "example.com", "www.example.com") for the cost of one pass.
/// </summary>
internal static class DomainHash
{
    public const ulong Seed = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Step(ulong hash, uint c) => (hash ^ Fold(c)) * Prime;

    /// <summary>Finaliser (MurmurHash3 fmix64) so that low bits index the table and high bits tag the slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Fold(uint c) => c - 'A' <= 'Z' - 'A' ? c | 0x20 : c;

    public static ulong Of(ReadOnlySpan<byte> ascii)
    {
        ulong h = Seed;
        for (int i = ascii.Length - 1; i >= 0; i--)
        {
            h = Step(h, ascii[i]);
        }

        return Finish(h);
    }
}
