using System.Net.Sockets;
using System.Runtime.InteropServices;
using FilterProxy.Dns.Upstream;

namespace FilterProxy.Dns.Server;

/// <summary>
/// One DNS receive thread's event loop (Linux epoll, x64): it waits for the server socket and for the upstream sockets
/// this thread opened (<see cref="IAnswerLoop"/>), reads the upstreams' answers itself and says when queries are
/// waiting. A cache miss then costs no thread of its own and no switch to one when its answer comes: under load the
/// upstream sockets are simply ready again when the thread comes round. Everything here runs on the owning thread
/// except <see cref="TryAdd"/>'s refusal; a socket is closed by whoever closes it, and the loop holds a reference on
/// its handle while reading, so the descriptor it reads is never one the process has since reused.
/// </summary>
internal sealed class DatagramLoop : IAnswerLoop, IDisposable
{
    private const int MaxEvents = 64;
    private const uint EpollIn = 0x001;
    private const uint EpollErr = 0x008;
    private const uint EpollExclusive = 1u << 28;
    private const int EpollCtlAdd = 1;
    private const int EpollCloexec = 0x80000;
    private const ulong ServerToken = 0;

    private readonly int _epoll;
    private readonly UdpBatch _batch;
    private readonly int _owner = Environment.CurrentManagedThreadId;
    private readonly EpollEvent[] _events = new EpollEvent[MaxEvents];
    private readonly Dictionary<ulong, (Socket Socket, IAnswerSink Sink)> _upstreams = [];
    private ulong _nextToken = ServerToken + 1;
    private long _sweptAt = Environment.TickCount64;
    private bool _stopped;

    private DatagramLoop(int epoll, UdpBatch batch)
    {
        _epoll = epoll;
        _batch = batch;
    }

    /// <summary>Upstream sockets being read (for tests).</summary>
    public int Upstreams => _upstreams.Count;

    /// <summary>
    /// A loop for this thread that waits for the batch's socket (shared with other threads' loops: each arrival wakes
    /// one of them) and reads upstream answers into the batch's buffers; null where epoll is not to be had.
    /// </summary>
    public static DatagramLoop? TryCreate(UdpBatch batch)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return null; // struct epoll_event is packed only on x86-64
        }

        try
        {
            int epoll = EpollCreate1(EpollCloexec);
            if (epoll < 0)
            {
                return null;
            }

            var server = new EpollEvent { Events = EpollIn | EpollExclusive, Data = ServerToken };
            if (EpollCtl(epoll, EpollCtlAdd, batch.Descriptor, ref server) != 0)
            {
                Close(epoll);
                return null;
            }

            return new DatagramLoop(epoll, batch);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public bool TryAdd(Socket socket, IAnswerSink sink)
    {
        if (_stopped || Environment.CurrentManagedThreadId != _owner)
        {
            return false;
        }

        ulong token = _nextToken++;
        var ready = new EpollEvent { Events = EpollIn | EpollErr, Data = token };
        if (EpollCtl(_epoll, EpollCtlAdd, (int)socket.SafeHandle.DangerousGetHandle(), ref ready) != 0)
        {
            return false;
        }

        _upstreams[token] = (socket, sink);
        return true;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for something to read; hands the upstream answers that arrived to their
    /// sinks; true when queries wait on the server socket (<see cref="UdpBatch.ReceiveAvailable"/> takes them).
    /// </summary>
    public bool Wait(int timeoutMs)
    {
        SweepClosed();
        int n = EpollWait(_epoll, _events, MaxEvents, timeoutMs);
        bool server = false;
        for (int i = 0; i < n; i++)
        {
            if (_events[i].Data == ServerToken)
            {
                server = true;
            }
            else if (_upstreams.TryGetValue(_events[i].Data, out (Socket Socket, IAnswerSink Sink) upstream))
            {
                Read(upstream.Socket, upstream.Sink);
            }
        }

        return server;
    }

    private void Read(Socket socket, IAnswerSink sink)
    {
        bool added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added); // the descriptor stays this socket's until released
            int fd = (int)socket.SafeHandle.DangerousGetHandle();
            int received;
            do
            {
                try
                {
                    received = _batch.ReceiveAvailable(fd);
                }
                catch (SocketException ex)
                {
                    sink.OnError(ex.SocketErrorCode);
                    return;
                }

                for (int i = 0; i < received; i++)
                {
                    sink.OnAnswer(_batch.Packet(i), _batch.Truncated(i));
                }
            }
            while (received == UdpBatch.Size);
        }
        catch (ObjectDisposedException)
        {
            // Closed since it was found ready: nothing more to read there.
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>Forgets sockets closed since (closing one takes it out of epoll's set; this only tidies the table).</summary>
    private void SweepClosed()
    {
        long now = Environment.TickCount64;
        if (now - _sweptAt < 1000 || _upstreams.Count == 0)
        {
            return;
        }

        _sweptAt = now;
        foreach ((ulong token, (Socket socket, _)) in _upstreams)
        {
            if (socket.SafeHandle.IsClosed)
            {
                _upstreams.Remove(token);
            }
        }
    }

    /// <summary>Stops reading: every upstream socket still open is told, so its queries fail over at once.</summary>
    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach ((Socket _, IAnswerSink sink) in _upstreams.Values)
        {
            sink.OnLoopStopped();
        }

        _upstreams.Clear();
        Close(_epoll);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [DllImport("libc.so.6", EntryPoint = "epoll_create1", SetLastError = true)]
    private static extern int EpollCreate1(int flags);

    [DllImport("libc.so.6", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static extern int EpollCtl(int epoll, int op, int fd, ref EpollEvent ev);

    [DllImport("libc.so.6", EntryPoint = "epoll_wait", SetLastError = true)]
    private static extern int EpollWait(int epoll, [Out] EpollEvent[] events, int maxEvents, int timeoutMs);

    [DllImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
