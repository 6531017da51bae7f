using System.IO.Compression;
using FilterProxy.Http.Content;

namespace FilterProxy.Http.Forwarding;

/// <summary>
/// A body judged as it streams is sent to the client decoded (gzip, deflate and br taken off, the client's LAN
/// does not need them): the check reads the same bytes the client gets, and a stop part-way can end the body with a
/// notice the client can read — which inside a compressed stream it could not.
/// </summary>
internal static class BodyDecoding
{
    public static bool IsEncoded(string? encoding) => !string.IsNullOrWhiteSpace(encoding) && !encoding.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase);

    /// <summary>The decompressed body, or null when the encoding is not one the proxy reads.</summary>
    public static Stream? Decode(string? encoding, Stream body) => encoding?.Trim().ToLowerInvariant() switch
    {
        null or "" or "identity" => body,
        "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress),
        "deflate" => new ZLibStream(body, CompressionMode.Decompress),
        "br" => new BrotliStream(body, CompressionMode.Decompress),
        _ => null,
    };

    /// <summary>The prefix the content check read, the read it left in flight, then the rest of the body: one stream to decode.</summary>
    public static Stream Joined(BodyPrefix prefix, Stream body) => new PrefixedStream(prefix, body);

    private sealed class PrefixedStream(BodyPrefix prefix, Stream body) : Stream
    {
        private ReadOnlyMemory<byte> _head = prefix.Memory;
        private bool _pendingTaken = !prefix.Partial;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_head.IsEmpty && !_pendingTaken)
            {
                _pendingTaken = true;
                _head = await prefix.TakePendingAsync();
            }

            if (!_head.IsEmpty)
            {
                int n = Math.Min(buffer.Length, _head.Length);
                _head[..n].CopyTo(buffer);
                _head = _head[n..];
                return n;
            }

            return await body.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
