using System.Buffers;
using System.IO.Pipelines;

namespace FilterProxy.Http.Tunnels;

/// <summary>
/// Reads the start of a connection until a parser can decide, consuming only what the parser says (nothing, for
/// a peek): Kestrel's TlsListener pattern. Gives up when the client closes or sends too little in time.
/// </summary>
internal static class PipePeek
{
    /// <summary>True once the bytes decide (any outcome, including "malformed"); <paramref name="consume"/> bytes are then consumed.</summary>
    public delegate bool Parser<T>(ReadOnlySequence<byte> data, out T result, out long consume);

    public static async Task<(bool Decided, T? Result)> PeekAsync<T>(PipeReader input, TimeSpan timeout, CancellationToken closed, Parser<T> parse)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(closed);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                ReadResult read = await input.ReadAsync(limit.Token);
                ReadOnlySequence<byte> buffer = read.Buffer;
                if (parse(buffer, out T result, out long consume))
                {
                    input.AdvanceTo(buffer.GetPosition(consume));
                    return (true, result);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    return (false, default);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (false, default);
        }
    }
}
