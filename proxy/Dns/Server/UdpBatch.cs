using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FilterProxy.Dns.Server;

/// <summary>
/// Linux's recvmmsg/sendmmsg for the UDP server: up to <see cref="Size"/> datagrams received in one system call (it
/// waits for the first, then takes what is already queued) and the answers sent in one. Under load most of a DNS
/// server's time is the kernel's, and a call per packet each way is a large part of it. One instance per receive
/// thread; every buffer is pinned once and reused, so a batch allocates nothing.
/// </summary>
internal sealed class UdpBatch
{
    public const int Size = 32;
    public const int PacketBytes = 4096;
    private const int AddressBytes = 32;     // sockaddr_in6 is 28
    private const int MsgWaitForOne = 0x10000;
    private const int MsgDontWait = 0x40;
    private const int EAgain = 11;
    private const int EIntr = 4;

    private readonly int _fd;
    private readonly byte[] _packets = GC.AllocateArray<byte>(Size * PacketBytes, pinned: true);
    private readonly byte[] _responses = GC.AllocateArray<byte>(Size * PacketBytes, pinned: true);
    private readonly byte[] _addresses = GC.AllocateArray<byte>(Size * AddressBytes, pinned: true);
    private readonly IoVec[] _receiveVectors = GC.AllocateArray<IoVec>(Size, pinned: true);
    private readonly IoVec[] _sendVectors = GC.AllocateArray<IoVec>(Size, pinned: true);
    private readonly MMsgHdr[] _received = GC.AllocateArray<MMsgHdr>(Size, pinned: true);
    private readonly MMsgHdr[] _sends = GC.AllocateArray<MMsgHdr>(Size, pinned: true);
    private int _sendCount;

    private UdpBatch(int fd)
    {
        _fd = fd;
        IntPtr packets = Marshal.UnsafeAddrOfPinnedArrayElement(_packets, 0);
        IntPtr addresses = Marshal.UnsafeAddrOfPinnedArrayElement(_addresses, 0);
        for (int i = 0; i < Size; i++)
        {
            _receiveVectors[i] = new IoVec { Base = packets + (i * PacketBytes), Length = PacketBytes };
            _received[i].Header.Iov = Marshal.UnsafeAddrOfPinnedArrayElement(_receiveVectors, i);
            _received[i].Header.IovLength = 1;
            _received[i].Header.Name = addresses + (i * AddressBytes);
        }
    }

    /// <summary>A batch for the socket, or null where recvmmsg is not to be had (not Linux, no glibc): the caller receives one at a time.</summary>
    public static UdpBatch? TryCreate(Socket socket)
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
        {
            return null;
        }

        try
        {
            var fd = (int)socket.SafeHandle.DangerousGetHandle();
            // Wake at least every half second, so a stopping server is never stuck in a receive.
            var timeout = new TimeVal { Seconds = 0, Microseconds = 500_000 };
            return SetSockOpt(fd, 1 /* SOL_SOCKET */, 20 /* SO_RCVTIMEO */, ref timeout, Marshal.SizeOf<TimeVal>()) == 0 ? new UdpBatch(fd) : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Waits for at least one datagram and takes up to <see cref="Size"/>; 0 when none came within half a second.</summary>
    /// <exception cref="SocketException">The socket failed (other than a timeout or an interrupted call).</exception>
    public int Receive() => Receive(_fd, MsgWaitForOne);

    /// <summary>
    /// Takes up to <see cref="Size"/> datagrams already queued on a socket (this batch's, or another the caller holds
    /// open), without waiting: 0 when there are none.
    /// </summary>
    /// <exception cref="SocketException">The socket failed, e.g. "connection refused" on a connected one.</exception>
    public int ReceiveAvailable(int fd) => Receive(fd, MsgDontWait);

    /// <summary>This batch's socket.</summary>
    public int Descriptor => _fd;

    private int Receive(int fd, int flags)
    {
        for (int i = 0; i < Size; i++)
        {
            _received[i].Header.NameLength = AddressBytes;
            _received[i].Header.Flags = 0;
            _received[i].Length = 0;
        }

        int n = RecvMMsg(fd, Marshal.UnsafeAddrOfPinnedArrayElement(_received, 0), Size, flags, IntPtr.Zero);
        if (n >= 0)
        {
            return n;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno is EAgain or EIntr ? 0 : throw new SocketException((int)ToSocketError(errno), Marshal.GetPInvokeErrorMessage(errno));
    }

    /// <summary>The runtime's name for a Linux errno a receive can fail with (SocketException wants its codes, not errno).</summary>
    internal static SocketError ToSocketError(int errno) => errno switch
    {
        111 => SocketError.ConnectionRefused,  // ECONNREFUSED: an ICMP "port unreachable" came back
        113 => SocketError.HostUnreachable,    // EHOSTUNREACH
        101 => SocketError.NetworkUnreachable, // ENETUNREACH
        9 => SocketError.OperationAborted,     // EBADF: closed under us
        _ => SocketError.SocketError,
    };

    /// <summary>The i-th datagram received.</summary>
    public Span<byte> Packet(int i) => _packets.AsSpan(i * PacketBytes, (int)_received[i].Length);

    /// <summary>Whether the i-th datagram was cut to fit the buffer (MSG_TRUNC): it cannot be answered as it came.</summary>
    public bool Truncated(int i) => (_received[i].Header.Flags & 0x20) != 0;

    /// <summary>Who sent the i-th datagram, as the runtime's <see cref="System.Net.SocketAddress"/> holds it (the native sockaddr).</summary>
    public void CopyAddress(int i, System.Net.SocketAddress into)
    {
        int length = (int)_received[i].Header.NameLength;
        into.Size = length;
        _addresses.AsSpan(i * AddressBytes, length).CopyTo(into.Buffer.Span);
    }

    /// <summary>Where the answer to the i-th datagram is written.</summary>
    public Span<byte> ResponseBuffer(int i) => _responses.AsSpan(i * PacketBytes, PacketBytes);

    /// <summary>Queues the answer to the i-th datagram (written in <see cref="ResponseBuffer"/>) to go back to its sender.</summary>
    public void QueueAnswer(int i, int length)
    {
        int k = _sendCount++;
        _sendVectors[k] = new IoVec { Base = Marshal.UnsafeAddrOfPinnedArrayElement(_responses, i * PacketBytes), Length = (nuint)length };
        _sends[k].Header = new MsgHdr
        {
            Name = _received[i].Header.Name,
            NameLength = _received[i].Header.NameLength,
            Iov = Marshal.UnsafeAddrOfPinnedArrayElement(_sendVectors, k),
            IovLength = 1,
        };
    }

    /// <summary>Sends every queued answer (one call for all, more only if the kernel takes fewer); a datagram it refuses is skipped.</summary>
    public void SendQueued()
    {
        int sent = 0;
        while (sent < _sendCount)
        {
            int n = SendMMsg(_fd, Marshal.UnsafeAddrOfPinnedArrayElement(_sends, sent), (uint)(_sendCount - sent), 0);
            if (n > 0)
            {
                sent += n;
            }
            else if (n < 0 && Marshal.GetLastPInvokeError() == EIntr)
            {
                continue;
            }
            else
            {
                sent++; // the client went away (ICMP) or a buffer was full: like a lost datagram, the client retries
            }
        }

        _sendCount = 0;
    }

    [DllImport("libc.so.6", EntryPoint = "recvmmsg", SetLastError = true)]
    private static extern int RecvMMsg(int fd, IntPtr messages, uint count, int flags, IntPtr timeout);

    [DllImport("libc.so.6", EntryPoint = "sendmmsg", SetLastError = true)]
    private static extern int SendMMsg(int fd, IntPtr messages, uint count, int flags);

    [DllImport("libc.so.6", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SetSockOpt(int fd, int level, int name, ref TimeVal value, int length);

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public IntPtr Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (56 bytes on 64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public IntPtr Name;
        public uint NameLength;
        public IntPtr Iov;
        public nuint IovLength;
        public IntPtr Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr (64 bytes on 64-bit Linux): the header, then how many bytes the call moved.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }
}
