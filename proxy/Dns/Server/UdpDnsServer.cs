using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FilterProxy.Dns.Upstream;

namespace FilterProxy.Dns.Server;

/// <summary>
/// DNS over UDP: one socket served by a dedicated receive thread per available core (two threads pinned to one
/// core only contend). On Linux each thread takes up to 32 queries per system call and sends their answers in one
/// (<see cref="UdpBatch"/>: recvmmsg/sendmmsg), and waits in epoll for those and for the answers to the queries it
/// forwarded (<see cref="DatagramLoop"/>); elsewhere it uses the allocation-free <see cref="SocketAddress"/>
/// overloads one packet at a time. The fast path is answered inline; a query that needs an upstream continues on its
/// own task so the thread keeps receiving.
/// </summary>
internal sealed class UdpDnsServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly DnsResolver _resolver;
    private readonly DnsRepeats _events;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _threads;
    private volatile bool _batched;

    public UdpDnsServer(IPEndPoint endPoint, DnsResolver resolver, DnsRepeats events, TimeProvider time)
    {
        _resolver = resolver;
        _events = events;
        _time = time;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            _socket.DualMode = true;
        }

        _socket.ReceiveBufferSize = 4 << 20; // absorb bursts
        _socket.Bind(endPoint);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _threads = [.. Enumerable.Range(0, Environment.ProcessorCount).Select(i => new Thread(ReceiveLoop) { IsBackground = true, Name = $"dns-udp-{i}" })];
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    public IPEndPoint LocalEndPoint { get; }

    private void ReceiveLoop()
    {
        UdpBatch? batch = UdpBatch.TryCreate(_socket);
        _batched = batch is not null;
        char[] name = new char[Wire.DnsLimits.MaxNameChars];
        var remote = new SocketAddress(_socket.AddressFamily);
        var clients = new ClientCache();
        if (batch is not null)
        {
            ReceiveBatches(batch, name, remote, clients);
            return;
        }

        byte[] buffer = new byte[UdpBatch.PacketBytes];
        byte[] response = new byte[UdpBatch.PacketBytes];
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, remote);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // e.g. an ICMP error for an earlier send: keep serving
            }

            Serve(buffer.AsSpan(0, received), remote, clients, name, response, null, 0);
        }
    }

    /// <summary>
    /// Up to <see cref="UdpBatch.Size"/> queries per receive call, their answers in one send call. With epoll the thread
    /// also reads the answers to the cache misses it forwarded (<see cref="DatagramLoop"/>); without, it blocks in the receive.
    /// </summary>
    private void ReceiveBatches(UdpBatch batch, char[] name, SocketAddress remote, ClientCache clients)
    {
        using DatagramLoop? loop = DatagramLoop.TryCreate(batch);
        AnswerLoops.Current = loop;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int received;
                try
                {
                    received = loop is null ? batch.Receive() : loop.Wait(500) ? batch.ReceiveAvailable(batch.Descriptor) : 0;
                }
                catch (SocketException)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }

                    continue; // e.g. an ICMP error for an earlier send: keep serving
                }

                for (int i = 0; i < received; i++)
                {
                    if (!batch.Truncated(i))
                    {
                        batch.CopyAddress(i, remote);
                        Serve(batch.Packet(i), remote, clients, name, batch.ResponseBuffer(i), batch, i);
                    }
                }

                batch.SendQueued();
            }
        }
        finally
        {
            AnswerLoops.Current = null;
        }
    }

    /// <summary>
    /// One query: answered here when it can be (the answer sent at once, or queued in the batch), else forwarded on
    /// its own task so this thread keeps receiving.
    /// </summary>
    private void Serve(Span<byte> packet, SocketAddress remote, ClientCache clients, char[] name, Span<byte> response, UdpBatch? batch, int slot)
    {
        IPAddress client = clients.Get(remote, out string clientText);
        long started = Stopwatch.GetTimestamp();
        DnsResult result = _resolver.Answer(packet, client, udp: true, name, response);
        if (result.Outcome == DnsOutcome.Answered)
        {
            if (batch is null)
            {
                Send(response[..result.Length], remote);
            }
            else
            {
                batch.QueueAnswer(slot, result.Length);
            }

            Emit(result, name.AsSpan(0, result.Query.NameLength), client, started, clientText);
        }
        else if (result.Outcome == DnsOutcome.Forward)
        {
            var replyTo = new SocketAddress(remote.Family, remote.Size);
            remote.Buffer.Span[..remote.Size].CopyTo(replyTo.Buffer.Span);
            _ = ForwardAsync(packet.ToArray(), client, replyTo, result, new string(name, 0, result.Query.NameLength), started);
        }
    }

    private void Send(ReadOnlySpan<byte> response, SocketAddress remote)
    {
        try
        {
            _socket.SendTo(response, SocketFlags.None, remote);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client went away, or we are stopping.
        }
    }

    private async Task ForwardAsync(byte[] packet, IPAddress client, SocketAddress remote, DnsResult fast, string name, long started)
    {
        try
        {
            (byte[] response, DnsResult result) = await _resolver.ForwardAsync(packet, name, client, udp: true, fast, _stop.Token);
            Send(response, remote);
            Emit(result, name, client, started, null);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <param name="name">Exactly the query name (the fast path slices its buffer; the forward path has the string).</param>
    private void Emit(in DnsResult result, ReadOnlySpan<char> name, IPAddress client, long started, string? clientText) =>
        _events.Record(result, name, client, "udp", Stopwatch.GetElapsedTime(started).TotalMilliseconds, clientText);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (!_batched)
        {
            _socket.Dispose(); // wakes a thread blocked in ReceiveFrom
        }

        // Batched threads use the socket's descriptor directly and wake at least every half second: the socket is closed
        // only after they have stopped, so none can receive on a descriptor the process has since reused.
        foreach (Thread thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    /// <summary>The last client seen by this thread: most packets come from a client seen just before.</summary>
    private sealed class ClientCache
    {
        private readonly byte[] _last = new byte[28];
        private int _lastSize;
        private IPAddress _client = IPAddress.None;
        private string _text = "";

        public IPAddress Get(SocketAddress address, out string text)
        {
            ReadOnlySpan<byte> raw = address.Buffer.Span[..address.Size];
            if (raw.Length == _lastSize && raw[4..].SequenceEqual(_last.AsSpan(4, _lastSize - 4)))
            {
                text = _text;
                return _client;
            }

            var endPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address);
            _client = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
            _text = _client.ToString();
            raw.CopyTo(_last);
            _lastSize = raw.Length;
            text = _text;
            return _client;
        }
    }
}
