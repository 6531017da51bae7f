using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace FilterProxy.Http.Tunnels;

/// <summary>
/// Copies bytes both ways between the client's connection (Kestrel's pipes) and the origin's socket, without
/// looking at them (a spliced TLS tunnel). When one side finishes sending, the other side's send is shut down,
/// so half-closes pass through. A tunnel with no bytes either way for <c>idleTimeout</c> is closed (squid's
/// read_timeout idea), so idle tunnels cannot pile up. Returns the bytes copied each way.
/// </summary>
internal static class Splicer
{
    public static async Task<(long Up, long Down)> RunAsync(IDuplexPipe client, Socket origin, TimeSpan idleTimeout, CancellationToken closed)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(closed);
        var activity = new Activity();
        TimeSpan period = idleTimeout < TimeSpan.FromSeconds(30) ? idleTimeout : TimeSpan.FromSeconds(30);
        await using var watchdog = new Timer(static state =>
        {
            var (a, cts, limit) = ((Activity, CancellationTokenSource, long))state!;
            if (Environment.TickCount64 - Volatile.Read(ref a.LastTicks) > limit)
            {
                cts.Cancel();
            }
        }, (activity, stop, (long)idleTimeout.TotalMilliseconds), period, period);
        CancellationToken cancellationToken = stop.Token;
        Task<long> up = ClientToOriginAsync(client.Input, origin, activity, cancellationToken);
        Task<long> down = OriginToClientAsync(origin, client.Output, activity, cancellationToken);
        long upBytes = 0;
        long downBytes = 0;
        try
        {
            upBytes = await up;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            origin.Dispose();
        }

        try
        {
            downBytes = await down;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        return (upBytes, downBytes);
    }

    private static async Task<long> ClientToOriginAsync(PipeReader input, Socket origin, Activity activity, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> data = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in data)
            {
                int sent = 0;
                while (sent < segment.Length)
                {
                    sent += await origin.SendAsync(segment[sent..], SocketFlags.None, cancellationToken);
                }
            }

            total += data.Length;
            activity.Touch();
            input.AdvanceTo(data.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                origin.Shutdown(SocketShutdown.Send);
                return total;
            }
        }
    }

    private static async Task<long> OriginToClientAsync(Socket origin, PipeWriter output, Activity activity, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            Memory<byte> memory = output.GetMemory(16 * 1024);
            int n;
            try
            {
                n = await origin.ReceiveAsync(memory, SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                n = 0;
            }

            if (n == 0)
            {
                await output.CompleteAsync();
                return total;
            }

            output.Advance(n);
            total += n;
            activity.Touch();
            FlushResult flush = await output.FlushAsync(cancellationToken);
            if (flush.IsCompleted)
            {
                return total;
            }
        }
    }

    private sealed class Activity
    {
        public long LastTicks = Environment.TickCount64;

        public void Touch() => Volatile.Write(ref LastTicks, Environment.TickCount64);
    }
}
