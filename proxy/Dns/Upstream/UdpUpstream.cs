using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Dns.Upstream;

/// <summary>
/// Plain DNS to one upstream over connected UDP sockets (only the upstream's address can answer). A socket
/// serves at most <see cref="QueriesPerSocket"/> queries and is then replaced, so the source port keeps
/// changing (kernel-random) while every query also carries a CSPRNG ID (RFC 5452). A truncated answer
/// is asked again over TCP. "Connection refused" fails that socket's queries at once, for fast failover.
/// A socket opened on a DNS receive thread is read by that thread's loop (<see cref="IAnswerLoop"/>); one opened
/// elsewhere gets a receive thread of its own.
/// </summary>
internal sealed class UdpUpstream(DnsUpstream spec) : IDnsUpstream
{
    public const int QueriesPerSocket = 256;
    private static readonly TimeSpan s_retireAfter = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private Port? _current;
    private bool _disposed;

    public DnsUpstream Spec { get; } = spec;

    public async Task<byte[]> ExchangeAsync(byte[] query, CancellationToken cancellationToken)
    {
        Port port = Acquire();
        // Continuations run inline on the receive loop that completes this: one thread-pool hop fewer per
        // cache miss (the forwarding that follows does not block: parse, cache, a non-blocking UDP send).
        var pending = new TaskCompletionSource<byte[]>();
        ushort id;
        do
        {
            id = QueryIds.Next();
        }
        while (!port.Pending.TryAdd(id, pending));

        BinaryPrimitives.WriteUInt16BigEndian(query, id);
        try
        {
            port.Socket.Send(query);
            byte[] response = await pending.Task.WaitAsync(cancellationToken);
            return (response[2] & 0x02) != 0 ? await TcpExchangeAsync(query, cancellationToken) : response;
        }
        catch (SocketException ex)
        {
            port.Dead = true;
            throw new DnsUpstreamException($"{Spec}: {ex.SocketErrorCode}", ex);
        }
        finally
        {
            port.Pending.TryRemove(id, out _);
        }
    }

    private Port Acquire()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is null || _current.Dead || ++_current.Uses > QueriesPerSocket)
            {
                Port? old = _current;
                _current = new Port(Spec, AnswerLoops.Current);
                _current.Uses = 1;
                old?.RetireAfter(s_retireAfter);
            }

            return _current;
        }
    }

    private async Task<byte[]> TcpExchangeAsync(byte[] query, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient(Spec.EndPoint!.AddressFamily);
        await tcp.ConnectAsync(Spec.EndPoint, cancellationToken);
        await using NetworkStream stream = tcp.GetStream();
        await DnsFraming.WriteAsync(stream, query, cancellationToken);
        return await DnsFraming.ReadAsync(stream, cancellationToken) ?? throw new DnsUpstreamException($"{Spec}: TCP connection closed without an answer");
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
            _current?.Close();
            _current = null;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>One connected socket, the queries waiting on it by ID, and what reads it.</summary>
    private sealed class Port : IAnswerSink
    {
        public Port(DnsUpstream spec, IAnswerLoop? loop)
        {
            Socket = new Socket(spec.EndPoint!.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            Socket.Connect(spec.EndPoint);
            if (loop?.TryAdd(Socket, this) != true)
            {
                // A dedicated blocking receive thread: an answer completes its waiting query on this thread, with no
                // hop through the socket engine and the thread pool (measured: that hop dominated a cache miss). The
                // thread ends when the socket is closed (after at most 256 queries + 10 s).
                new Thread(ReceiveLoop) { IsBackground = true, Name = "dns-upstream" }.Start();
            }
        }

        public Socket Socket { get; }

        public ConcurrentDictionary<ushort, TaskCompletionSource<byte[]>> Pending { get; } = new();

        public int Uses;

        public volatile bool Dead;

        public void RetireAfter(TimeSpan delay) => _ = Task.Delay(delay).ContinueWith(_ => Close(), TaskScheduler.Default);

        public void Close()
        {
            Dead = true;
            Socket.Dispose();
            Fail("the upstream socket was closed");
        }

        /// <summary>Completes the query the answer is for (matched by ID; the pool then checks the question). Runs on the reader's thread.</summary>
        public void OnAnswer(ReadOnlySpan<byte> answer, bool truncated)
        {
            if (answer.Length >= 12 && (answer[2] & 0x80) != 0 && Pending.TryRemove(BinaryPrimitives.ReadUInt16BigEndian(answer), out TaskCompletionSource<byte[]>? answered))
            {
                byte[] copy = answer.ToArray();
                if (truncated)
                {
                    copy[2] |= 0x02; // cut short here: the query is asked again over TCP, as for an upstream's own TC
                }

                answered.TrySetResult(copy);
            }
        }

        public void OnError(SocketError error)
        {
            if (error == SocketError.ConnectionRefused)
            {
                // ICMP port unreachable: nobody listens there. Fail what waits so failover is immediate.
                Dead = true;
                Fail("connection refused");
            }
        }

        public void OnLoopStopped() => Close();

        private void Fail(string why)
        {
            foreach (TaskCompletionSource<byte[]> waiting in Pending.Values)
            {
                waiting.TrySetException(new DnsUpstreamException(why));
            }
        }

        private void ReceiveLoop()
        {
            byte[] buffer = new byte[65535];
            while (true)
            {
                int n;
                try
                {
                    n = Socket.Receive(buffer, SocketFlags.None);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    OnError(ex.SocketErrorCode);
                    continue;
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                OnAnswer(buffer.AsSpan(0, n), truncated: false);
            }
        }
    }
}
