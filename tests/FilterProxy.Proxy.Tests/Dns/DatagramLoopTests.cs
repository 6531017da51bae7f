using System.Net;
using System.Net.Sockets;
using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Server;
using FilterProxy.Dns.Upstream;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>
/// A DNS receive thread's epoll loop reading the upstream sockets that thread opened, on real loopback sockets and a real
/// upstream: the loop is the only reader (nothing arrives unless it turns), refusals and a stopping loop fail the queries
/// at once, and the server socket's queries are reported ready.
/// </summary>
public sealed class DatagramLoopTests
{
    private static readonly byte[] s_question = [7, (byte)'a', (byte)'l', (byte)'l', (byte)'o', (byte)'w', (byte)'e', (byte)'d', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 1, 0, 1];

    [Fact]
    public void AnUpstreamAnswer_IsReadByTheLoopOfTheThreadThatAsked_AndOnlyWhenItTurns()
    {
        using var upstream = new FakeDnsUpstream();
        upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10")];
        OnLoopThread(upstream.Address, (loop, udp) =>
        {
            byte[] query = UpstreamPool.BuildQuery(s_question, false);
            Task<byte[]> answer = udp.ExchangeAsync(query, CancellationToken.None);
            Assert.Equal(1, loop.Upstreams); // the socket is this loop's: no receive thread of its own

            SpinWait.SpinUntil(() => upstream.Queries == 1, TimeSpan.FromSeconds(5));
            Thread.Sleep(200);
            Assert.False(answer.IsCompleted); // answered by now, but nobody else reads the socket

            Pump(loop, answer);
            Assert.True(answer.IsCompletedSuccessfully, answer.Exception?.ToString());
            Assert.Equal(query[..2], answer.Result[..2]); // the answer to this query, by ID
            Assert.Equal(1, answer.Result[7]);            // one address record
        });
    }

    [Fact]
    public void NobodyListening_FailsTheQueryAtOnce_AsConnectionRefused()
    {
        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        OnLoopThread($"127.0.0.1:{closedPort}", (loop, udp) =>
        {
            Task<byte[]> answer = udp.ExchangeAsync(UpstreamPool.BuildQuery(s_question, false), CancellationToken.None);
            Pump(loop, answer); // no timeout anywhere: only the refusal, read by the loop, can end it
            var failure = Assert.IsType<DnsUpstreamException>(answer.Exception?.InnerException);
            Assert.Contains("refused", failure.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void AStoppingLoop_FailsTheQueriesStillWaiting()
    {
        using var upstream = new FakeDnsUpstream { Delay = TimeSpan.FromSeconds(30) };
        upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10")];
        OnLoopThread(upstream.Address, (loop, udp) =>
        {
            Task<byte[]> answer = udp.ExchangeAsync(UpstreamPool.BuildQuery(s_question, false), CancellationToken.None);
            loop.Dispose();
            Assert.True(answer.IsFaulted);
            Assert.IsType<DnsUpstreamException>(answer.Exception!.InnerException);
            Assert.Equal(0, loop.Upstreams);
        });
    }

    [Fact]
    public void QueriesOnTheServerSocket_AreReportedReady_AndTakenWithoutWaiting()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        UdpBatch batch = UdpBatch.TryCreate(server) ?? throw new InvalidOperationException("recvmmsg is not available");
        using DatagramLoop loop = DatagramLoop.TryCreate(batch) ?? throw new InvalidOperationException("epoll is not available");
        Assert.False(loop.Wait(0));
        Assert.Equal(0, batch.ReceiveAvailable(batch.Descriptor)); // nothing queued: no wait, no error

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.SendTo([1, 2, 3], server.LocalEndPoint!);
        client.SendTo([4, 5], server.LocalEndPoint!);
        Assert.True(loop.Wait(5000));
        Assert.Equal(2, batch.ReceiveAvailable(batch.Descriptor));
        Assert.Equal([4, 5], batch.Packet(1).ToArray());
    }

    [Fact]
    public void AnotherThread_CannotAddASocket()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using DatagramLoop loop = DatagramLoop.TryCreate(UdpBatch.TryCreate(server)!) ?? throw new InvalidOperationException("epoll is not available");
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        bool added = true;
        var thread = new Thread(() => added = loop.TryAdd(other, new NoSink()));
        thread.Start();
        thread.Join();
        Assert.False(added);
        Assert.True(loop.TryAdd(other, new NoSink()));
    }

    /// <summary>Runs the body on a thread of its own with a loop as its <see cref="AnswerLoops.Current"/>, as a DNS receive thread has.</summary>
    private static void OnLoopThread(string upstreamAddress, Action<DatagramLoop, UdpUpstream> body)
    {
        Assert.True(PolicyCompiler.TryParseUpstream(upstreamAddress, out DnsUpstream? spec, out _));
        Exception? failed = null;
        var thread = new Thread(() =>
        {
            using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            UdpBatch batch = UdpBatch.TryCreate(server) ?? throw new InvalidOperationException("recvmmsg is not available");
            using DatagramLoop loop = DatagramLoop.TryCreate(batch) ?? throw new InvalidOperationException("epoll is not available");
            AnswerLoops.Current = loop;
            var udp = new UdpUpstream(spec);
            try
            {
                body(loop, udp);
            }
            catch (Exception ex)
            {
                failed = ex;
            }
            finally
            {
                AnswerLoops.Current = null;
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the loop thread did not finish");
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed).Throw();
        }
    }

    /// <summary>Turns the loop until the task ends (at most 5 s).</summary>
    private static void Pump(DatagramLoop loop, Task task)
    {
        for (int i = 0; i < 50 && !task.IsCompleted; i++)
        {
            Assert.False(loop.Wait(100)); // nothing for the server socket in these tests
        }
    }

    private sealed class NoSink : IAnswerSink
    {
        public void OnAnswer(ReadOnlySpan<byte> answer, bool truncated)
        {
        }

        public void OnError(SocketError error)
        {
        }

        public void OnLoopStopped()
        {
        }
    }
}
