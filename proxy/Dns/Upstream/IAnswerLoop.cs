using System.Net.Sockets;

namespace FilterProxy.Dns.Upstream;

/// <summary>
/// A DNS receive thread's event loop, which can also read the answers arriving on upstream UDP sockets: each answer is
/// then handled by a thread that is running anyway, with no thread per socket and no switch to one per answer (in a
/// saturated cold run those threads were 10% of the gateway's perf samples, 4 points of it the context switch). A
/// socket is read by the loop of the thread that opened it; threads without a loop (TCP, DoH, other systems) give
/// theirs a thread of its own.
/// </summary>
internal interface IAnswerLoop
{
    /// <summary>
    /// Reads the socket on this loop from now on, handing what arrives to <paramref name="sink"/>; false when it cannot
    /// (not this loop's thread, or the loop has stopped), and the caller reads the socket itself.
    /// </summary>
    bool TryAdd(Socket socket, IAnswerSink sink);
}

/// <summary>Where a loop hands what arrives on a socket it reads. Called on the loop's thread only.</summary>
internal interface IAnswerSink
{
    /// <param name="answer">The datagram (valid during the call only).</param>
    /// <param name="truncated">It was longer than the loop's buffer and arrives cut short.</param>
    void OnAnswer(ReadOnlySpan<byte> answer, bool truncated);

    /// <summary>Reading failed (e.g. "connection refused": nobody listens at the upstream's address).</summary>
    void OnError(SocketError error);

    /// <summary>The loop has stopped and will not read the socket again.</summary>
    void OnLoopStopped();
}

/// <summary>The loop running on the current thread, if any.</summary>
internal static class AnswerLoops
{
    [ThreadStatic]
    private static IAnswerLoop? t_current;

    public static IAnswerLoop? Current
    {
        get => t_current;
        set => t_current = value;
    }
}
