using System.IO.Pipelines;
using System.Net.Security;

namespace FilterProxy.Http.Tunnels;

/// <summary>The decrypted side of an intercepted tunnel, as pipes for Kestrel's HTTP server (what UseHttps does internally).</summary>
internal sealed class SslDuplexPipe(SslStream stream) : IDuplexPipe
{
    public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));

    public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

    public async Task CompleteAsync()
    {
        await Input.CompleteAsync();
        await Output.CompleteAsync();
    }
}
