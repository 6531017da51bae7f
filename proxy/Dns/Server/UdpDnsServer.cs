using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FilterProxy.Core.Events;

namespace FilterProxy.Dns.Server;

/// <summary>
/// DNS over UDP: one socket, one receive loop per core. Answers the fast path inline (no allocation but
/// the event); queries that need an upstream continue on their own task so the loop keeps receiving.
/// </summary>
internal sealed class UdpDnsServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly DnsResolver _resolver;
    private readonly IEventSink _events;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;

    public UdpDnsServer(IPEndPoint endPoint, DnsResolver resolver, IEventSink events, TimeProvider time)
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
        _loops = [.. Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => Task.Run(ReceiveLoopAsync))];
    }

    public IPEndPoint LocalEndPoint { get; }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = new byte[4096];
        byte[] response = new byte[4096];
        char[] name = new char[Wire.DnsLimits.MaxNameChars];
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // e.g. an ICMP error for an earlier send: keep serving
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            IPAddress client = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
            long started = Stopwatch.GetTimestamp();
            DnsResult result = _resolver.Answer(buffer.AsSpan(0, received.ReceivedBytes), client, udp: true, name, response);
            switch (result.Outcome)
            {
                case DnsOutcome.Answered:
                    try
                    {
                        await _socket.SendToAsync(response.AsMemory(0, result.Length), SocketFlags.None, remote, stop);
                    }
                    catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // The client went away; nothing to do.
                    }

                    Emit(result, name, client, started);
                    break;
                case DnsOutcome.Forward:
                    byte[] packet = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
                    string queryName = new(name, 0, result.Query.NameLength);
                    _ = ForwardAsync(packet, client, remote, result, queryName, started);
                    break;
            }
        }
    }

    private async Task ForwardAsync(byte[] packet, IPAddress client, IPEndPoint remote, DnsResult fast, string name, long started)
    {
        try
        {
            (byte[] response, DnsResult result) = await _resolver.ForwardAsync(packet, client, udp: true, fast, _stop.Token);
            await _socket.SendToAsync(response, SocketFlags.None, remote, _stop.Token);
            Emit(result, name, client, started);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Stopping, or the client went away.
        }
    }

    private void Emit(in DnsResult result, ReadOnlySpan<char> name, IPAddress client, long started)
    {
        if (result.Source == DnsSource.RateLimited)
        {
            return; // counted by the limiter; a flood must not flood the event store too
        }

        _events.TryWrite(DnsEvents.Create(result, name[..result.Query.NameLength], client, "udp", _time.GetUtcNow(), Stopwatch.GetElapsedTime(started).TotalMilliseconds));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
