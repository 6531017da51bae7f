using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FilterProxy.Dns.Upstream;

/// <summary>
/// IDs for upstream queries, from the operating system's cryptographic generator (RFC 5452: unpredictable IDs), read
/// from a per-thread buffer that is refilled 256 IDs at a time — one call into the crypto library per 256 queries
/// instead of one per query (measured: 1.4% of the DNS thread in a cold run, two calls per cache miss).
/// </summary>
internal static class QueryIds
{
    private const int BufferBytes = 512;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_next;

    public static ushort Next()
    {
        byte[]? buffer = t_buffer;
        if (buffer is null || t_next == BufferBytes)
        {
            buffer = t_buffer ??= new byte[BufferBytes];
            RandomNumberGenerator.Fill(buffer);
            t_next = 0;
        }

        ushort id = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(t_next));
        t_next += sizeof(ushort);
        return id;
    }
}
