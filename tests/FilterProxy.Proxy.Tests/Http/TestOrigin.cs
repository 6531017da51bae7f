using System.IO.Compression;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// A real origin on loopback (Kestrel): plain HTTP, HTTPS with a certificate from the test CA, and HTTPS with a
/// self-signed certificate nobody trusts. Its pages exercise what the proxy must do: stream, chunk, echo,
/// compress, upgrade to WebSocket, and carry words the content check should (or should not) act on.
/// </summary>
internal sealed class TestOrigin : IAsyncDisposable
{
    public const string GamblingPage = "<html><head><title>Win big</title><script>var online_casino = 1;</script></head><body>" +
        "<h1>Online casino</h1><p>Claim your free spins and deposit bonus today. Place your bet on roulette and blackjack. " +
        "The best online casino jackpot, free spins every day, sports betting odds.</p></body></html>";

    public const string HelpPage = "<html><head><title>Feeling low?</title></head><body><p>If you have thought about cutting myself or suicide methods, " +
        "you are not alone. Talk to someone at Childline or the Samaritans; get help today. Mental health support is free.</p></body></html>";

    /// <summary>Drug selling in words no built-in phrase has: the model must judge it.</summary>
    public const string DrugsPage = "<html><head><title>Menu</title></head><body><h1>Same-day drops</h1><p>Our plug drops off bud, carts and pills " +
        "the same day. Message us on Telegram for the menu; discreet packaging, pay in crypto. Top shelf kush, strong edibles and pure molly for your weekend.</p></body></html>";

    /// <summary>The same trigger words on a drug-education page.</summary>
    public const string DrugsFactsPage = "<html><head><title>Drugs: the facts</title></head><body><h1>Staying safe</h1><p>Pills, carts and bud sold by dealers " +
        "on Telegram or Snapchat can contain anything. Talk to FRANK for honest information about drugs. If a friend is unwell after taking pills at a party, " +
        "call 999 and stay with them. Our PSHE lesson explains the risks.</p></body></html>";

    private readonly WebApplication _app;

    /// <summary>Gates for /slow.html?id=…: the origin sends the first part, then waits for the test to release it.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> SlowGates = new();

    private TestOrigin(WebApplication app, int http, int https, int untrusted)
    {
        _app = app;
        HttpPort = http;
        HttpsPort = https;
        UntrustedPort = untrusted;
    }

    public int HttpPort { get; }
    public int HttpsPort { get; }
    public int UntrustedPort { get; }

    /// <param name="address">Where it listens (127.0.0.1 unless a test needs another loopback address).</param>
    public static async Task<TestOrigin> StartAsync(X509Certificate2 trusted, X509Certificate2 untrusted, IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var listeners = new List<ListenOptions>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(address, 0, l => listeners.Add(l));
            k.Listen(address, 0, l => { l.Protocols = HttpProtocols.Http1AndHttp2; l.UseHttps(trusted); listeners.Add(l); });
            k.Listen(address, 0, l => { l.UseHttps(untrusted); listeners.Add(l); });
        });
        WebApplication app = builder.Build();
        app.UseWebSockets();
        Map(app);
        await app.StartAsync();
        return new TestOrigin(app, listeners[0].IPEndPoint!.Port, listeners[1].IPEndPoint!.Port, listeners[2].IPEndPoint!.Port);
    }

    private static void Map(WebApplication app)
    {
        app.MapGet("/page", () => Results.Content("<html><head><title>Hello</title></head><body>hello from the origin</body></html>", "text/html"));
        foreach (string path in new[] { "/echo", "/search", "/results" })
        {
            app.MapGet(path, (HttpContext c) => Results.Text(
                $"path={c.Request.Path}{c.Request.QueryString}\nyoutube-restrict={c.Request.Headers["YouTube-Restrict"]}\nhost={c.Request.Host}\nprotocol={c.Request.Protocol}\n" +
                $"proxy-authorization={c.Request.Headers.ProxyAuthorization}\n", "text/plain"));
        }
        app.MapGet("/big", async (HttpContext c, int mb) =>
        {
            c.Response.ContentType = "application/octet-stream";
            c.Response.ContentLength = mb * 1024L * 1024L;
            byte[] block = Pattern(64 * 1024);
            for (int i = 0; i < mb * 16; i++)
            {
                await c.Response.Body.WriteAsync(block);
            }
        });
        app.MapPost("/upload", async (HttpContext c) =>
        {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            long sum = 0;
            int n;
            while ((n = await c.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += n;
                for (int i = 0; i < n; i++)
                {
                    sum += buffer[i];
                }
            }

            return Results.Text($"{total} {sum} chunked={c.Request.Headers.TransferEncoding}", "text/plain");
        });
        app.MapGet("/chunked", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/plain";
            for (int i = 0; i < 5; i++)
            {
                await c.Response.WriteAsync($"part {i}\n");
                await c.Response.Body.FlushAsync();
                await Task.Delay(20);
            }
        });
        app.MapGet("/gambling.html", (HttpContext c) =>
        {
            c.Response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(Gzip(GamblingPage), "text/html; charset=utf-8");
        });
        app.MapGet("/help.html", () => Results.Content(HelpPage, "text/html"));
        app.MapGet("/drops.html", () => Results.Content(DrugsPage, "text/html"));
        app.MapGet("/drugs-facts.html", () => Results.Content(DrugsFactsPage, "text/html"));
        app.MapGet("/slow.html", async (HttpContext c, string id) =>
        {
            c.Response.ContentType = "text/html";
            await c.Response.WriteAsync("<html><body><p>first part</p>");
            await c.Response.Body.FlushAsync();
            await SlowGates.GetOrAdd(id, static _ => new TaskCompletionSource()).Task.WaitAsync(TimeSpan.FromSeconds(60));
            await c.Response.WriteAsync("<p>second part</p></body></html>");
        });
        app.MapGet("/casino.bin", () => Results.Bytes(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("online casino free spins ", 200))), "application/octet-stream"));
        app.MapPost("/dns-query", () => Results.Bytes(new byte[12], "application/dns-message"));
        // A resolver that does not say it is one: DNS answers as application/octet-stream (only the request shows it).
        app.MapGet("/dq", () => Results.Bytes(DnsAnswer, "application/octet-stream"));
        app.MapPost("/dq", () => Results.Bytes(DnsAnswer, "application/octet-stream"));
        // A JSON resolver API asked without any DoH sign in the request: only the response's media type shows it.
        app.MapGet("/resolve", () => Results.Text("""{"Status":0,"Answer":[{"name":"example.com.","type":1,"data":"93.184.215.14"}]}""", "application/dns-json"));
        StreamingOrigin.Map(app);
        app.MapGet("/parking.txt", () => Results.Text("Parking is not allowed here.", "text/plain"));
        app.Map("/ws", async (HttpContext c) =>
        {
            if (!c.WebSockets.IsWebSocketRequest)
            {
                c.Response.StatusCode = 400;
                return;
            }

            using WebSocket socket = await c.WebSockets.AcceptWebSocketAsync();
            byte[] buffer = new byte[4096];
            while (true)
            {
                WebSocketReceiveResult r = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
            }
        });
    }

    /// <summary>A DNS answer for example.com A (what a resolver sends back).</summary>
    public static readonly byte[] DnsAnswer = Convert.FromHexString("123481800001000100000000076578616d706c6503636f6d0000010001c00c000100010000012c00045db8d70e");

    public static byte[] Pattern(int length)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7 + 3);
        }

        return data;
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
