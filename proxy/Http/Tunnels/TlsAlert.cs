using System.IO.Pipelines;

namespace FilterProxy.Http.Tunnels;

/// <summary>A fatal TLS alert, the clean way to refuse a TLS connection the proxy will not decrypt (the browser shows a connection error, not a hang).</summary>
internal static class TlsAlert
{
    public const byte AccessDenied = 49;
    public const byte InternalError = 80;
    public const byte UnrecognizedName = 112;

    public static async Task SendAsync(PipeWriter output, byte description)
    {
        byte[] alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description];
        try
        {
            await output.WriteAsync(alert);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The client is already gone.
        }
    }
}
