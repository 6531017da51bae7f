using System.IO.Pipelines;
using System.Text;

namespace FilterProxy.Http.Tunnels;

/// <summary>A complete HTTP/1.1 response written straight to a connection (for CONNECT and refusals, before or instead of Kestrel's HTTP server).</summary>
internal static class RawResponse
{
    public static async Task WriteAsync(PipeWriter output, int status, string phrase, string body)
    {
        string text = $"HTTP/1.1 {status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body) + 1}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}\n";
        try
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(text));
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The client is already gone.
        }
    }
}
