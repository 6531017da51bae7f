using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static FilterProxy.Tests.Common.StreamingTexts;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// The test origin's streamed responses: an AI answer as server-sent events or NDJSON, a token at a time (harm=1:
/// it turns into self-harm instructions, then "AFTER-THE-CUT"), and long pages (mb megabytes of revision prose,
/// harm=1: a harmful paragraph there, then "END-OF-PAGE"), plain or gzip-compressed.
/// </summary>
internal static class StreamingOrigin
{
    public const string AfterCut = "AFTER-THE-CUT";
    public const string EndOfAnswer = "END-OF-ANSWER";
    public const string EndOfPage = "END-OF-PAGE";

    public static void Map(WebApplication app)
    {
        // id: after the first four tokens the answer waits for the test's gate (the client must have them by then).
        app.MapGet("/ai/sse", (HttpContext c, int harm, string? id) => AnswerAsync(c, harm, id, "text/event-stream",
            static token => $"data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{JsonSerializer.Serialize(token)}}}}}]}}\n\n",
            "data: [DONE]\n\n"));
        app.MapGet("/ai/ndjson", (HttpContext c, int harm) => AnswerAsync(c, harm, null, "application/x-ndjson",
            static token => $"{{\"model\":\"tutor\",\"created_at\":\"2026-12-08T00:00:00Z\",\"response\":{JsonSerializer.Serialize(token)},\"done\":false}}\n",
            "{\"model\":\"tutor\",\"response\":\"\",\"done\":true}\n"));
        // A fake AI chat API (OpenAI's shape): the prompt's words echoed in a harmless streamed answer.
        app.MapPost("/v1/chat/completions", (HttpContext c) => AnswerAsync(c, 0, null, "text/event-stream",
            static token => $"data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{JsonSerializer.Serialize(token)}}}}}]}}\n\n",
            "data: [DONE]\n\n"));
        app.MapGet("/long.html", (HttpContext c, int mb, int harm, int gzip) => LongPageAsync(c, mb, harm, gzip == 1));
    }

    private static async Task AnswerAsync(HttpContext c, int harm, string? id, string type, Func<string, string> frame, string end)
    {
        c.Response.ContentType = type;
        c.Response.Headers.CacheControl = "no-cache";
        string answer = harm == 1 ? $"{SafeAnswer} {Plain(Harm)} {AfterCut} {SafeAnswer}" : $"{SafeAnswer} {EndOfAnswer}";
        string[] tokens = Tokens(answer);
        try
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                await c.Response.WriteAsync(frame(tokens[i]), c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
                if (i == 3 && id is not null)
                {
                    await TestOrigin.SlowGates.GetOrAdd(id, static _ => new TaskCompletionSource()).Task.WaitAsync(TimeSpan.FromSeconds(30), c.RequestAborted);
                }
                else
                {
                    await Task.Delay(2, c.RequestAborted);
                }
            }

            await c.Response.WriteAsync(end, c.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The proxy stopped the answer and hung up: nothing more to send.
        }
    }

    private static async Task LongPageAsync(HttpContext c, int mb, int harm, bool gzip)
    {
        c.Response.ContentType = "text/html; charset=utf-8";
        Stream body = c.Response.Body;
        if (gzip)
        {
            c.Response.Headers.ContentEncoding = "gzip";
            body = new GZipStream(c.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
        }

        try
        {
            byte[] revision = Encoding.UTF8.GetBytes(Revision);
            await body.WriteAsync("<!doctype html><html><head><title>Revision notes</title></head><body>\n"u8.ToArray(), c.RequestAborted);
            for (long written = 0; written < mb * 1024L * 1024L; written += revision.Length)
            {
                await body.WriteAsync(revision, c.RequestAborted);
            }

            if (harm == 1)
            {
                await body.WriteAsync(Encoding.UTF8.GetBytes(Harm), c.RequestAborted);
            }

            for (int i = 0; i < 300; i++)
            {
                await body.WriteAsync(revision, c.RequestAborted);
            }

            await body.WriteAsync(Encoding.UTF8.GetBytes($"<p>{EndOfPage}</p></body></html>\n"), c.RequestAborted);
            if (gzip)
            {
                await body.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Stopped by the proxy.
        }
    }
}
