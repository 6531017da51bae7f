using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FilterProxy.Tests.Common;

/// <summary>
/// A small authoritative DNS server on loopback (UDP and TCP) for tests, written independently of the
/// product's codec: A/AAAA/TXT records from a table, NXDOMAIN otherwise, a CNAME table, and names that
/// only fit over TCP (answered with TC over UDP). Counts the queries it receives.
/// </summary>
public sealed class FakeDnsUpstream : IDisposable
{
    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();

    public FakeDnsUpstream()
    {
        for (int attempt = 0; ; attempt++)
        {
            // A free UDP port may be taken for TCP: try another pair.
            _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            EndPoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
            _tcp = new TcpListener(IPAddress.Loopback, EndPoint.Port);
            try
            {
                _tcp.Start();
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                _udp.Dispose();
            }
        }

        _ = Task.Run(UdpLoop);
        _ = Task.Run(TcpLoop);
    }

    public IPEndPoint EndPoint { get; }

    public string Address => $"{EndPoint.Address}:{EndPoint.Port}";

    public ConcurrentDictionary<string, IPAddress[]> Records { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentDictionary<string, string> Cnames { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentDictionary<string, string> Texts { get; } = new(StringComparer.OrdinalIgnoreCase);

    public uint Ttl { get; set; } = 300;

    /// <summary>Answer with a different question than asked (a spoofed or broken upstream).</summary>
    public bool WrongQuestion { get; set; }

    /// <summary>Delay before answering (to test coalescing and timeouts).</summary>
    public TimeSpan Delay { get; set; }

    public int Queries => Volatile.Read(ref _queries);

    public ConcurrentQueue<string> Asked { get; } = new();

    /// <summary>The UDP source ports queries came from.</summary>
    public ConcurrentDictionary<int, bool> SourcePorts { get; } = new();

    private int _queries;

    private async Task UdpLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            SourcePorts[received.RemoteEndPoint.Port] = true;
            _ = Task.Run(async () =>
            {
                byte[]? answer = await AnswerAsync(received.Buffer, udp: true);
                if (answer is not null)
                {
                    try
                    {
                        await _udp.SendAsync(answer, received.RemoteEndPoint, _stop.Token);
                    }
                    catch (Exception)
                    {
                        // stopping
                    }
                }
            });
        }
    }

    private async Task TcpLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    await ServeStreamAsync(client.GetStream());
                }
            });
        }
    }

    /// <summary>Serves DNS-over-TLS (RFC 7858) on a new loopback port with <paramref name="certificate"/>, answering like this server.</summary>
    public IPEndPoint StartTls(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    listener.Stop();
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    using (var tls = new System.Net.Security.SslStream(client.GetStream()))
                    {
                        await tls.AuthenticateAsServerAsync(certificate);
                        await ServeStreamAsync(tls);
                    }
                });
            }
        });
        return (IPEndPoint)listener.LocalEndpoint;
    }

    /// <summary>Length-prefixed DNS over a stream (TCP or TLS), until the client closes it.</summary>
    private async Task ServeStreamAsync(Stream stream)
    {
        byte[] len = new byte[2];
        while (await ReadAll(stream, len))
        {
            byte[] query = new byte[BinaryPrimitives.ReadUInt16BigEndian(len)];
            if (!await ReadAll(stream, query))
            {
                return;
            }

            byte[]? answer = await AnswerAsync(query, udp: false);
            if (answer is not null)
            {
                byte[] framed = new byte[answer.Length + 2];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)answer.Length);
                answer.CopyTo(framed, 2);
                await stream.WriteAsync(framed);
            }
        }
    }

    private static async Task<bool> ReadAll(Stream s, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await s.ReadAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    private async Task<byte[]?> AnswerAsync(byte[] query, bool udp)
    {
        Interlocked.Increment(ref _queries);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        if (query.Length < 12)
        {
            return null;
        }

        // Question: labels from offset 12 (no compression in questions).
        int p = 12;
        var labels = new List<string>();
        while (p < query.Length && query[p] != 0)
        {
            int l = query[p];
            labels.Add(Encoding.ASCII.GetString(query, p + 1, l));
            p += l + 1;
        }

        p++;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(p));
        int questionEnd = p + 4;
        string name = string.Join('.', labels);
        Asked.Enqueue($"{name}/{type}");
        var answers = new List<byte[]>();
        int rcode = 0;
        string current = name;
        if (Cnames.TryGetValue(name, out string? target))
        {
            answers.Add(Record(Encode(name), 5, Encode(target)));
            current = target;
        }

        if (type == 16 && Texts.TryGetValue(current, out string? text))
        {
            byte[] all = Encoding.ASCII.GetBytes(text);
            var rdata = new List<byte>();
            for (int i = 0; i < all.Length; i += 255)
            {
                byte[] chunk = all[i..Math.Min(all.Length, i + 255)];
                rdata.Add((byte)chunk.Length);
                rdata.AddRange(chunk);
            }

            answers.Add(Record(Encode(current), 16, [.. rdata]));
        }
        else if (Records.TryGetValue(current, out IPAddress[]? addresses))
        {
            foreach (IPAddress a in addresses)
            {
                if ((type == 1 && a.AddressFamily == AddressFamily.InterNetwork) || (type == 28 && a.AddressFamily == AddressFamily.InterNetworkV6))
                {
                    answers.Add(Record(Encode(current), type, a.GetAddressBytes()));
                }
            }
        }
        else if (!Texts.ContainsKey(current) && answers.Count == 0)
        {
            rcode = 3;
        }

        var response = new List<byte>();
        response.AddRange(query[..2]);
        response.Add((byte)(0x84 | (query[2] & 0x01))); // QR, AA, RD
        response.Add((byte)(0x80 | rcode));              // RA
        response.AddRange(new byte[] { 0, 1, 0, (byte)answers.Count, 0, 0, 0, 0 });
        if (WrongQuestion)
        {
            byte[] other = [.. Encode("other.invalid"), (byte)(type >> 8), (byte)type, 0, 1];
            response.AddRange(other);
        }
        else
        {
            response.AddRange(query[12..questionEnd]);
        }
        foreach (byte[] a in answers)
        {
            response.AddRange(a);
        }

        if (udp && response.Count > 512)
        {
            // Too big for UDP (we never honour EDNS here): header + question with TC.
            byte[] truncated = [.. response.Take(questionEnd)];
            truncated[2] |= 0x02;
            truncated[7] = 0;
            return truncated;
        }

        return [.. response];
    }

    private byte[] Record(byte[] owner, ushort type, byte[] rdata)
    {
        byte[] r = new byte[owner.Length + 10 + rdata.Length];
        owner.CopyTo(r, 0);
        int o = owner.Length;
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(o), type);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(o + 2), 1);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(o + 4), Ttl);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(o + 8), (ushort)rdata.Length);
        rdata.CopyTo(r, o + 10);
        return r;
    }

    private static byte[] Encode(string name)
    {
        var bytes = new List<byte>();
        foreach (string label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Stop();
        _stop.Dispose();
    }
}
