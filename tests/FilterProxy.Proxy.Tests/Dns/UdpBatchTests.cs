using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using FilterProxy.Dns.Server;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>recvmmsg/sendmmsg on real loopback sockets: several datagrams in one call, each answered to its own sender.</summary>
public sealed class UdpBatchTests
{
    [Fact]
    public void Structs_HaveLinuxsLayout()
    {
        Assert.Equal(16, Marshal.SizeOf<UdpBatch.IoVec>());
        Assert.Equal(56, Marshal.SizeOf<UdpBatch.MsgHdr>());
        Assert.Equal(64, Marshal.SizeOf<UdpBatch.MMsgHdr>());
        Assert.Equal(56, (int)Marshal.OffsetOf<UdpBatch.MMsgHdr>(nameof(UdpBatch.MMsgHdr.Length)));
    }

    [Fact]
    public void QueuedDatagrams_AreTakenInOneCall_AndEachAnswerGoesToItsSender()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        UdpBatch batch = UdpBatch.TryCreate(server) ?? throw new InvalidOperationException("recvmmsg is not available on this Linux machine");
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        a.ReceiveTimeout = b.ReceiveTimeout = 5000;
        for (int i = 0; i < 3; i++)
        {
            a.SendTo(Encoding.ASCII.GetBytes($"a{i}"), server.LocalEndPoint!);
            b.SendTo(Encoding.ASCII.GetBytes($"b{i}"), server.LocalEndPoint!);
        }

        int received = 0;
        var packets = new List<string>();
        var remote = new SocketAddress(AddressFamily.InterNetwork);
        for (int round = 0; round < 5 && received < 6; round++)
        {
            int n = batch.Receive();
            for (int i = 0; i < n; i++)
            {
                string text = Encoding.ASCII.GetString(batch.Packet(i));
                packets.Add(text);
                batch.CopyAddress(i, remote);
                var from = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(remote);
                Assert.Equal(text[0] == 'a' ? a.LocalEndPoint : b.LocalEndPoint, from);
                int length = Encoding.ASCII.GetBytes("re:" + text, batch.ResponseBuffer(i));
                batch.QueueAnswer(i, length);
            }

            batch.SendQueued();
            received += n;
        }

        Assert.Equal(["a0", "a1", "a2", "b0", "b1", "b2"], packets.Order());
        byte[] buffer = new byte[64];
        Assert.Equal(["re:a0", "re:a1", "re:a2"], Enumerable.Range(0, 3).Select(_ => Encoding.ASCII.GetString(buffer, 0, a.Receive(buffer))));
        Assert.Equal(["re:b0", "re:b1", "re:b2"], Enumerable.Range(0, 3).Select(_ => Encoding.ASCII.GetString(buffer, 0, b.Receive(buffer))));
    }

    [Fact]
    public void NothingQueued_ReturnsWithinItsTimeout()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        UdpBatch batch = UdpBatch.TryCreate(server)!;

        Assert.Equal(0, batch.Receive()); // half a second, then 0: how a stopping server's thread gets to see it is stopping
    }
}
