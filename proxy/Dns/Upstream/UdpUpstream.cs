using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Dns.Upstream;

/// <summary>
/// Plain DNS to one upstream. Each query uses a new socket, so its source port is freshly randomised
/// by the kernel, and the socket is connected, so only the upstream's address can answer (RFC 5452).
/// A truncated answer is asked again over TCP.
/// </summary>
internal sealed class UdpUpstream(DnsUpstream spec) : IDnsUpstream
{
    public DnsUpstream Spec { get; } = spec;

    public async Task<byte[]> ExchangeAsync(byte[] query, CancellationToken cancellationToken)
    {
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(query);
        using var socket = new Socket(Spec.EndPoint!.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(Spec.EndPoint, cancellationToken);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (n < 12 || BinaryPrimitives.ReadUInt16BigEndian(buffer) != id || (buffer[2] & 0x80) == 0)
                {
                    continue; // not our answer: keep waiting until the timeout
                }

                if ((buffer[2] & 0x02) != 0)
                {
                    return await TcpExchangeAsync(query, cancellationToken); // TC: ask again over TCP
                }

                return buffer[..n];
            }
        }
        catch (SocketException ex)
        {
            throw new DnsUpstreamException($"{Spec}: {ex.SocketErrorCode}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
