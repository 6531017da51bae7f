using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FilterProxy.Core.Networks;
using FilterProxy.Dns.Upstream;

namespace FilterProxy.Dns.Server;

/// <summary>
/// DNS over TCP (RFC 7766): length-prefixed messages, several queries in flight per connection
/// (answers may come back out of order, as the RFC allows), an idle timeout, and caps on connections
/// in total and per client so one device cannot hold them all.
/// </summary>
internal sealed class TcpDnsServer : IAsyncDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);
    public const int MaxConnections = 1024;
    public const int MaxConnectionsPerClient = 32;
    public const int MaxInFlightPerConnection = 64;

    private readonly TcpListener _listener;
    private readonly DnsResolver _resolver;
    private readonly DnsRepeats _events;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<UInt128, int> _perClient = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public TcpDnsServer(IPEndPoint endPoint, DnsResolver resolver, DnsRepeats events, TimeProvider time)
    {
        _resolver = resolver;
        _events = events;
        _time = time;
        _listener = new TcpListener(endPoint);
        if (endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            _listener.Server.DualMode = true;
        }

        _listener.Start(backlog: 512);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var remote = (IPEndPoint)tcp.Client.RemoteEndPoint!;
            IPAddress client = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
            UInt128 key = IpNetwork.ToUInt128(client);
            int mine = _perClient.AddOrUpdate(key, 1, static (_, n) => n + 1);
            if (Interlocked.Increment(ref _connections) > MaxConnections || mine > MaxConnectionsPerClient)
            {
                Release(key);
                tcp.Dispose();
                continue;
            }

            _ = ServeAsync(tcp, client, key);
        }
    }

    private void Release(UInt128 key)
    {
        Interlocked.Decrement(ref _connections);
        if (_perClient.AddOrUpdate(key, 0, static (_, n) => n - 1) <= 0)
        {
            _perClient.TryRemove(new KeyValuePair<UInt128, int>(key, 0));
        }
    }

    private async Task ServeAsync(TcpClient tcp, IPAddress client, UInt128 key)
    {
        using var writeLock = new SemaphoreSlim(1, 1);
        using var inFlight = new SemaphoreSlim(MaxInFlightPerConnection, MaxInFlightPerConnection);
        var pending = new List<Task>();
        try
        {
            using (tcp)
            await using (NetworkStream stream = tcp.GetStream())
            {
                byte[] response = new byte[ushort.MaxValue + 2];
                char[] name = new char[Wire.DnsLimits.MaxNameChars];
                while (!_stop.IsCancellationRequested)
                {
                    byte[]? packet;
                    using (var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                    {
                        idle.CancelAfter(IdleTimeout);
                        try
                        {
                            packet = await DnsFraming.ReadAsync(stream, idle.Token);
                        }
                        catch (Exception ex) when (ex is OperationCanceledException or IOException or EndOfStreamException)
                        {
                            break; // idle, closed mid-message, or stopping
                        }
                    }

                    if (packet is null)
                    {
                        break;
                    }

                    long started = Stopwatch.GetTimestamp();
                    DnsResult result = _resolver.Answer(packet, client, udp: false, name, response);
                    if (result.Outcome == DnsOutcome.Drop)
                    {
                        continue;
                    }

                    if (result.Outcome == DnsOutcome.Answered)
                    {
                        await WriteAsync(stream, writeLock, response.AsMemory(0, result.Length));
                        Emit(result, new string(name, 0, result.Query.NameLength), client, started);
                        continue;
                    }

                    await inFlight.WaitAsync(_stop.Token);
                    string queryName = new(name, 0, result.Query.NameLength);
                    pending.RemoveAll(static t => t.IsCompleted);
                    pending.Add(ForwardAsync(stream, writeLock, inFlight, packet, client, result, queryName, started));
                }

                await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or we are stopping.
        }
        finally
        {
            Release(key);
        }
    }

    private async Task ForwardAsync(NetworkStream stream, SemaphoreSlim writeLock, SemaphoreSlim inFlight, byte[] packet, IPAddress client, DnsResult fast, string name, long started)
    {
        try
        {
            (byte[] response, DnsResult result) = await _resolver.ForwardAsync(packet, name, client, udp: false, fast, _stop.Token);
            await WriteAsync(stream, writeLock, response);
            Emit(result, name, client, started);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection closed before the answer came back.
        }
        finally
        {
            inFlight.Release();
        }
    }

    private async Task WriteAsync(NetworkStream stream, SemaphoreSlim writeLock, ReadOnlyMemory<byte> message)
    {
        await writeLock.WaitAsync(_stop.Token);
        try
        {
            await DnsFraming.WriteAsync(stream, message, _stop.Token);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private void Emit(in DnsResult result, string name, IPAddress client, long started) =>
        _events.Record(result, name, client, "tcp", Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
