using System.Buffers;

namespace FilterProxy.Http;

/// <summary>
/// Reads a small request body before it is forwarded (a DNS query posted as DNS-over-HTTPS, a prompt to an AI chat
/// service), buffered so that it is still forwarded whole afterwards.
/// </summary>
internal static class RequestBodyPeek
{
    /// <summary>What <paramref name="read"/> makes of the body, or <paramref name="tooLong"/> when it is longer than <paramref name="max"/> bytes.</summary>
    public static async ValueTask<T> ReadAsync<T>(HttpRequest request, int max, Func<ReadOnlyMemory<byte>, T> read, T tooLong)
    {
        request.EnableBuffering(max);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            int total = 0;
            int n;
            while (total < max + 1 && (n = await request.Body.ReadAsync(buffer.AsMemory(total, max + 1 - total), request.HttpContext.RequestAborted)) > 0)
            {
                total += n;
            }

            request.Body.Position = 0;
            return total <= max ? read(buffer.AsMemory(0, total)) : tooLong;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
