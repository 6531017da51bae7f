using System.Buffers;
using System.Net.Security;
using FilterProxy.Http.Tunnels;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>The ClientHello peek, over hellos written by a real TLS client (SslStream), whole, cut at every byte, split and corrupted.</summary>
public sealed class ClientHelloTests
{
    private static async Task<byte[]> HelloAsync(string host, params string[] alpn)
    {
        var capture = new CaptureStream();
        using var ssl = new SslStream(capture);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Task handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ApplicationProtocols = [.. alpn.Select(static a => new SslApplicationProtocol(a))],
        }, cancel.Token);
        byte[] hello = await capture.FirstWrite.Task.WaitAsync(TimeSpan.FromSeconds(5));
        capture.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return hello;
    }

    [Fact]
    public async Task RealHello_GivesServerNameAndAlpn()
    {
        byte[] hello = await HelloAsync("www.example.org", "h2", "http/1.1");

        Assert.Equal(ClientHelloStatus.Ok, ClientHello.TryParse(new ReadOnlySequence<byte>(hello), out string? sni, out string[] alpn));
        Assert.Equal("www.example.org", sni);
        Assert.Equal(["h2", "http/1.1"], alpn);
    }

    [Fact]
    public async Task EveryTruncation_NeedsMoreData_NeverOkOrInvalid()
    {
        byte[] hello = await HelloAsync("cut.example.org");
        for (int length = 0; length < hello.Length; length++)
        {
            Assert.Equal(ClientHelloStatus.NeedMoreData, ClientHello.TryParse(new ReadOnlySequence<byte>(hello, 0, length), out _, out _));
        }
    }

    [Fact]
    public async Task HelloSplitOverTwoRecords_IsReassembled()
    {
        byte[] hello = await HelloAsync("split.example.org");
        int body = hello.Length - 5;
        int first = body / 2;
        byte[] split = [.. hello[..3], (byte)(first >> 8), (byte)first, .. hello.AsSpan(5, first), .. hello[..3], (byte)((body - first) >> 8), (byte)(body - first), .. hello.AsSpan(5 + first)];

        Assert.Equal(ClientHelloStatus.Ok, ClientHello.TryParse(Segmented(split, 7), out string? sni, out _));
        Assert.Equal("split.example.org", sni);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    public void PlainText_IsNotTls(string text)
    {
        Assert.Equal(ClientHelloStatus.NotTls, ClientHello.TryParse(new ReadOnlySequence<byte>(System.Text.Encoding.ASCII.GetBytes(text)), out _, out _));
    }

    [Fact]
    public async Task CorruptedLengths_AreInvalid_NeverAnException()
    {
        byte[] hello = await HelloAsync("fuzz.example.org");
        var random = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            byte[] copy = (byte[])hello.Clone();
            copy[5 + random.Next(copy.Length - 5)] = (byte)random.Next(256);
            ClientHelloStatus status = ClientHello.TryParse(new ReadOnlySequence<byte>(copy), out string? sni, out _);
            Assert.True(status is ClientHelloStatus.Ok or ClientHelloStatus.Invalid or ClientHelloStatus.NeedMoreData);
            Assert.True(sni is null || sni.All(static c => c is > ' ' and < (char)0x7F));
        }

        byte[] wrongType = (byte[])hello.Clone();
        wrongType[5] = 2; // ServerHello, not ClientHello
        Assert.Equal(ClientHelloStatus.Invalid, ClientHello.TryParse(new ReadOnlySequence<byte>(wrongType), out _, out _));
    }

    private static ReadOnlySequence<byte> Segmented(byte[] data, int size)
    {
        Segment first = new(data.AsMemory(0, Math.Min(size, data.Length)), 0);
        Segment last = first;
        for (int i = size; i < data.Length; i += size)
        {
            last = last.Append(data.AsMemory(i, Math.Min(size, data.Length - i)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>Records the client's first write (the ClientHello); reads wait until closed.</summary>
    private sealed class CaptureStream : Stream
    {
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<byte[]> FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _closed.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            FirstWrite.TrySetResult(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => FirstWrite.TrySetResult(buffer.AsSpan(offset, count).ToArray());

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
