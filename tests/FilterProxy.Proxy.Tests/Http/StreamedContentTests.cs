using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FilterProxy.Core.Events;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// The content check as responses stream, end to end with curl through the running gateway (default profile, the
/// strictest): an AI answer over server-sent events or NDJSON that turns harmful is cut after its safe start; a
/// harmless one arrives token by token; a harmful paragraph megabytes into a long page stops it (plain and gzip);
/// a long harmless page passes whole; a protected help service is never cut. Intercepted HTTPS too.
/// </summary>
public sealed class StreamedContentTests(ProxyFixture fx) : IClassFixture<ProxyFixture>
{
    private int Http => fx.Origin.HttpPort;

    [Theory]
    [InlineData("http")]
    [InlineData("https")] // intercepted
    public async Task SseAnswerThatTurnsHarmful_IsCut_TheClientGetsTheSafeStartThenTheNotice(string scheme)
    {
        string url = $"{Url(scheme)}/ai/sse?harm=1&t={Guid.NewGuid():N}";

        string output = await fx.Curl(["-N", .. Trust(scheme), url]);

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        string answer = Answer(output, "content");
        Assert.StartsWith(StreamingTexts.SafeAnswer, answer, StringComparison.Ordinal);          // the safe start arrived
        Assert.Contains("event: filterproxy-blocked", output, StringComparison.Ordinal);         // then the notice
        Assert.DoesNotContain("AFTER", answer, StringComparison.Ordinal);                        // never the rest
        Assert.DoesNotContain("[DONE]", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        Assert.Equal("block", e.Verdict);
        Assert.Equal("content-stream", e.Reason);
        Assert.Contains("self-harm", e.Categories);
        Assert.True(e.Bytes > 0);
        Assert.Contains("bytes had reached the client", e.Content, StringComparison.Ordinal);
        Assert.Contains($"quote reference {e.Id}", output, StringComparison.Ordinal);
        string notice = Regex.Match(output, "event: filterproxy-blocked\r?\ndata: (.*)").Groups[1].Value;
        using JsonDocument json = JsonDocument.Parse(notice); // the notice is JSON a chat app can read
        Assert.Equal((e.Id, "Self-harm and suicide"), (json.RootElement.GetProperty("reference").GetString(), json.RootElement.GetProperty("category").GetString()));
    }

    [Fact]
    public async Task HarmlessSseAnswer_ArrivesTokenByToken_NotHeldBack()
    {
        string id = Guid.NewGuid().ToString("N");
        TaskCompletionSource gate = TestOrigin.SlowGates.GetOrAdd(id, static _ => new TaskCompletionSource());
        using var curl = Process.Start(new ProcessStartInfo("curl", ["-sS", "-N", "--max-time", "30", "-x", fx.ProxyUrl, $"http://plain.test:{Http}/ai/sse?harm=0&id={id}"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            // The origin sends four tokens, then waits for the gate: the client must have them before the answer goes on.
            var seen = new StringBuilder();
            using var first = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (CountOf(seen.ToString(), "\"content\":") < 4)
            {
                string? line = await curl.StandardOutput.ReadLineAsync(first.Token);
                Assert.NotNull(line);
                seen.AppendLine(line);
            }

            gate.SetResult();
            string rest = await curl.StandardOutput.ReadToEndAsync();
            await curl.WaitForExitAsync();
            string all = seen + rest;
            Assert.Equal($"{StreamingTexts.SafeAnswer} {StreamingOrigin.EndOfAnswer}", Answer(all, "content"));
            Assert.Contains("data: [DONE]", all, StringComparison.Ordinal);
            Assert.DoesNotContain("filterproxy-blocked", all, StringComparison.Ordinal);
        }
        finally
        {
            if (!curl.HasExited)
            {
                curl.Kill();
            }
        }
    }

    [Fact]
    public async Task NdjsonAnswerThatTurnsHarmful_EndsCleanly_WithoutTheRest()
    {
        string url = $"http://plain.test:{Http}/ai/ndjson?harm=1&t={Guid.NewGuid():N}";

        string output = await fx.Curl("-N", url);

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        string answer = Answer(output, "response");
        Assert.StartsWith(StreamingTexts.SafeAnswer, answer, StringComparison.Ordinal);
        Assert.DoesNotContain("AFTER", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("\"done\":true", output, StringComparison.Ordinal);
        Assert.DoesNotContain("filterproxy", output, StringComparison.OrdinalIgnoreCase); // nothing that breaks a JSON reader
        Assert.Equal("content-stream", (await fx.EventAsync(e => e.Url == url)).Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)] // gzip: sent decoded, judged as it decodes
    public async Task HarmfulParagraphMegabytesIntoALongPage_StopsThePage(int gzip)
    {
        string url = $"http://plain.test:{Http}/long.html?mb=3&harm=1&gzip={gzip}&t={Guid.NewGuid():N}";

        string output = await fx.Curl(url);

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Encoding", output[..output.IndexOf("\r\n\r\n", StringComparison.Ordinal)], StringComparison.OrdinalIgnoreCase);
        const int SafeStart = (3 * 1024 * 1024) - (64 * 1024); // the piece that holds the harmful paragraph is not sent
        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        string what = $"{e.Verdict} {e.Reason} {e.Bytes} bytes: {e.Content}; the response ends {output[^Math.Min(300, output.Length)..]}";
        Assert.True(output.Length > SafeStart, "the safe start should have reached the client; " + what);
        Assert.True(output.Contains("Stopped by the school's web filter", StringComparison.Ordinal), what);
        Assert.DoesNotContain(StreamingOrigin.EndOfPage, output, StringComparison.Ordinal);
        Assert.Equal("content-stream", e.Reason);
        Assert.Contains("self-harm", e.Categories);
        Assert.True(e.Bytes > SafeStart);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task LongHarmlessPage_PassesWhole(int gzip)
    {
        string url = $"http://plain.test:{Http}/long.html?mb=4&harm=0&gzip={gzip}&t={Guid.NewGuid():N}";
        using var client = new HttpClient(new SocketsHttpHandler { Proxy = new WebProxy(fx.ProxyUrl), UseProxy = true, AutomaticDecompression = DecompressionMethods.None });

        string body = await client.GetStringAsync(url);

        Assert.EndsWith($"<p>{StreamingOrigin.EndOfPage}</p></body></html>\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Stopped by the school's web filter", body, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        Assert.Equal("allow", e.Verdict);
        Assert.True(e.Bytes > 4 * 1024 * 1024);
    }

    [Fact]
    public async Task ProtectedHelpService_IsNeverCut()
    {
        string output = await fx.Curl("-N", $"http://www.samaritans.org:{Http}/ai/sse?harm=1");

        Assert.Contains("data: [DONE]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("filterproxy-blocked", output, StringComparison.Ordinal);
    }

    private string Url(string scheme) => scheme == "http" ? $"http://plain.test:{Http}" : $"https://secure.test:{fx.Origin.HttpsPort}";

    private string[] Trust(string scheme) => scheme == "http" ? [] : ["--cacert", fx.SchoolCaFile];

    /// <summary>The answer's text: the streamed deltas under <paramref name="key"/>, joined.</summary>
    private static string Answer(string output, string key) =>
        string.Concat(Regex.Matches(output, $"\"{key}\":(\"(?:[^\"\\\\]|\\\\.)*\")").Select(static m => JsonSerializer.Deserialize<string>(m.Groups[1].Value)));

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
