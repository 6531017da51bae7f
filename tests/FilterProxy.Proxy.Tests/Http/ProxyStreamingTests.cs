using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>HttpClient and raw-socket functional tests through the proxy: big bodies streamed both ways, chunked, WebSocket, keep-alive.</summary>
public sealed class ProxyStreamingTests(ProxyFixture fx) : IClassFixture<ProxyFixture>, IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        Proxy = new WebProxy(fx.ProxyUrl),
        UseProxy = true,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, _) => IssuedBySchoolCa(fx, cert) },
    })
    { Timeout = TimeSpan.FromSeconds(60) };

    [Theory]
    [InlineData("http")]
    [InlineData("https")] // intercepted: decrypted, forwarded, re-encrypted
    public async Task LargeDownload_StreamsThroughIntact(string scheme)
    {
        int port = scheme == "http" ? fx.Origin.HttpPort : fx.Origin.HttpsPort;
        using HttpResponseMessage response = await _client.GetAsync($"{scheme}://plain.test:{port}/big?mb=48", HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();

        byte[] expected = TestOrigin.Pattern(64 * 1024);
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(expected[(int)((total + i) % expected.Length)], buffer[i]);
            }

            total += n;
        }

        Assert.Equal(48L * 1024 * 1024, total);
        Assert.Equal(48L * 1024 * 1024, response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task LargeChunkedUpload_StreamsThroughIntact(string scheme)
    {
        int port = scheme == "http" ? fx.Origin.HttpPort : fx.Origin.HttpsPort;
        const int size = 24 * 1024 * 1024;
        byte[] data = TestOrigin.Pattern(size);
        long sum = data.Sum(static b => (long)b);
        using var content = new StreamContent(new UnknownLengthStream(data));

        using HttpResponseMessage response = await _client.PostAsync($"{scheme}://plain.test:{port}/upload", content);

        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith($"{size} {sum}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowlyStreamedPage_IsCheckedOnWhatArrived_AndNotHeldBackUntilTheOriginFinishes()
    {
        string id = Guid.NewGuid().ToString("N");
        TaskCompletionSource gate = TestOrigin.SlowGates.GetOrAdd(id, static _ => new TaskCompletionSource());
        using var headersInTime = new CancellationTokenSource(TimeSpan.FromSeconds(20)); // the origin holds the rest for 60 s

        using HttpResponseMessage response = await _client.GetAsync($"http://plain.test:{fx.Origin.HttpPort}/slow.html?id={id}", HttpCompletionOption.ResponseHeadersRead, headersInTime.Token);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        byte[] buffer = new byte[256];
        int n = await body.ReadAsync(buffer, headersInTime.Token);
        string first = Encoding.UTF8.GetString(buffer, 0, n);
        gate.SetResult();
        string rest = await new StreamReader(body).ReadToEndAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("first part", first, StringComparison.Ordinal);
        Assert.Contains("second part", first + rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedResponse_ArrivesWhole()
    {
        string body = await _client.GetStringAsync($"http://plain.test:{fx.Origin.HttpPort}/chunked");

        Assert.Equal(string.Concat(Enumerable.Range(0, 5).Select(static i => $"part {i}\n")), body);
    }

    [Fact]
    public async Task KeepAlive_ServesManyRequestsOnOneConnection()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fx.Proxy);
        NetworkStream stream = tcp.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        for (int i = 0; i < 3; i++)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET http://plain.test:{fx.Origin.HttpPort}/echo?i={i} HTTP/1.1\r\nHost: plain.test:{fx.Origin.HttpPort}\r\n\r\n"));
            string status = (await reader.ReadLineAsync())!;
            Assert.Equal("HTTP/1.1 200 OK", status);
            int length = 0;
            string? line;
            while ((line = await reader.ReadLineAsync()) is { Length: > 0 })
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            char[] body = new char[length];
            await reader.ReadBlockAsync(body);
            Assert.Contains($"path=/echo?i={i}", new string(body), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WebSocketUpgrade_IsForwardedBothWays()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fx.Proxy);
        NetworkStream stream = tcp.GetStream();
        string key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET http://plain.test:{fx.Origin.HttpPort}/ws HTTP/1.1\r\nHost: plain.test:{fx.Origin.HttpPort}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n"));
        string head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101", head, StringComparison.Ordinal);

        using WebSocket socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false });
        byte[] buffer = new byte[256];
        foreach (string message in new[] { "hello", "through the proxy" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            WebSocketReceiveResult r = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, r.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new List<byte>();
        byte[] one = new byte[1];
        while (head.Count < 8192 && await stream.ReadAsync(one) == 1)
        {
            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString([.. head]);
    }

    private static bool IssuedBySchoolCa(ProxyFixture fx, X509Certificate? certificate)
    {
        using X509Certificate2 ca = X509Certificate2.CreateFromPem(File.ReadAllText(fx.SchoolCaFile));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is not null && chain.Build(new X509Certificate2(certificate));
    }

    public void Dispose() => _client.Dispose();

    /// <summary>A stream that hides its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
