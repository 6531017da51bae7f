using System.Buffers.Binary;

namespace FilterProxy.Dns.Upstream;

/// <summary>DNS over a stream (TCP, TLS): each message is preceded by its length as two bytes (RFC 1035 §4.2.2, RFC 7766).</summary>
internal static class DnsFraming
{
    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        byte[] framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed.AsMemory(2));
        await stream.WriteAsync(framed, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads one message; null at a clean end of stream before a new message.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] prefix = new byte[2];
        if (!await ReadExactlyOrEndAsync(stream, prefix, cancellationToken))
        {
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        byte[] message = new byte[length];
        if (length > 0 && !await ReadExactlyOrEndAsync(stream, message, cancellationToken))
        {
            throw new EndOfStreamException("the connection closed inside a DNS message");
        }

        return message;
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                if (read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("the connection closed inside a DNS message");
            }

            read += n;
        }

        return true;
    }
}
