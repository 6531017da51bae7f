using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using FilterProxy.Core.Events;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// WebSocket text through the running gateway with a real WebSocket client: the server's text is judged as it
/// passes (a harmful message ends the session with a close frame and the notice), and what a pupil sends to an AI
/// chat service's socket is a scored search term. The origin echoes every message back.
/// </summary>
public sealed class WebSocketContentTests(ProxyFixture fx) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task HarmfulTextFromTheServer_EndsTheSessionWithACloseFrame_HarmlessTextPasses()
    {
        string url = $"http://plain.test:{fx.Origin.HttpPort}/ws?t={Guid.NewGuid():N}";
        (TcpClient tcp, WebSocket socket) = await ConnectAsync(IPAddress.Loopback, url);
        string? reason;
        using (tcp)
        using (socket)
        {
            string safe = StreamingTexts.SafeAnswer;
            Assert.Equal(safe, await EchoAsync(socket, safe));

            await socket.SendAsync(Encoding.UTF8.GetBytes(StreamingTexts.Plain(StreamingTexts.Harm)), WebSocketMessageType.Text, true, CancellationToken.None);
            WebSocketReceiveResult r = await socket.ReceiveAsync(new byte[8192], new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

            Assert.Equal(WebSocketMessageType.Close, r.MessageType);              // the echo of the harm never arrived
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, r.CloseStatus);
            reason = r.CloseStatusDescription;
            Assert.StartsWith("Stopped by the school's web filter (Self-harm", reason, StringComparison.Ordinal);
        }

        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        Assert.Equal(("block", "content-stream", 101), (e.Verdict, e.Reason, e.Status));
        Assert.Contains("self-harm", e.Categories);
        Assert.EndsWith($"Reference {e.Id}.", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatAPupilSendsToAnAiChatSocket_IsAScoredSearchTerm()
    {
        string url = $"http://neo.character.ai:{fx.Origin.HttpPort}/ws?t={Guid.NewGuid():N}";
        (TcpClient tcp, WebSocket socket) = await ConnectAsync(IPAddress.Parse("127.0.0.4"), url); // secondary: ai-chat allowed
        using (tcp)
        using (socket)
        {
            await EchoAsync(socket, """{"command":"create_and_generate_turn","payload":{"turn":{"candidates":[{"raw_content":"revision tips for my history exam"}]}},"text":"revision tips for my history exam"}""");
            await socket.SendAsync("i want to kill myself tonight"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        }

        FilterEvent first = await fx.EventAsync(e => e.Url == url && e.SearchTerm == "revision tips for my history exam");
        FilterEvent risky = await fx.EventAsync(e => e.Url == url && e.SearchTerm == "i want to kill myself tonight");
        Assert.Equal((EventKind.Search, "websocket-message"), (first.Kind, first.Reason));
        Assert.Equal("critical", risky.Risk);
    }

    private async Task<(TcpClient, WebSocket)> ConnectAsync(IPAddress from, string url)
    {
        var tcp = new TcpClient(new IPEndPoint(from, 0));
        await tcp.ConnectAsync(fx.Proxy);
        NetworkStream stream = tcp.GetStream();
        var uri = new Uri(url);
        string key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {url} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"));
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("permessage-deflate", head.ToString(), StringComparison.OrdinalIgnoreCase); // the proxy reads frames uncompressed
        return (tcp, WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false }));
    }

    private static async Task<string> EchoAsync(WebSocket socket, string message)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
        byte[] buffer = new byte[8192];
        WebSocketReceiveResult r = await socket.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        return Encoding.UTF8.GetString(buffer, 0, r.Count);
    }
}
