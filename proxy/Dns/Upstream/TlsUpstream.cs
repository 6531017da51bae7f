using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Dns.Upstream;

/// <summary>
/// DNS-over-TLS (RFC 7858) to one upstream over one reused connection; queries are sent one at a time.
/// The server's certificate must be valid for the configured name.
/// </summary>
/// <param name="validate">Certificate check; default: the system's trust store and the configured name. Tests pass their own CA.</param>
internal sealed class TlsUpstream(DnsUpstream spec, RemoteCertificateValidationCallback? validate = null) : IDnsUpstream
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TcpClient? _tcp;
    private SslStream? _tls;

    public DnsUpstream Spec { get; } = spec;

    public async Task<byte[]> ExchangeAsync(byte[] query, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    SslStream tls = _tls ?? await ConnectAsync(cancellationToken);
                    await DnsFraming.WriteAsync(tls, query, cancellationToken);
                    byte[] response = await DnsFraming.ReadAsync(tls, cancellationToken) ?? throw new IOException("connection closed");
                    if (response.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(response) != BinaryPrimitives.ReadUInt16BigEndian(query))
                    {
                        throw new DnsUpstreamException($"{Spec}: answer does not match the query");
                    }

                    return response;
                }
                catch (Exception ex) when (ex is IOException or SocketException && attempt == 0)
                {
                    Close(); // the server closed an idle connection: reconnect once
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            Close();
            throw new DnsUpstreamException($"{Spec}: {ex.Message}", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SslStream> ConnectAsync(CancellationToken cancellationToken)
    {
        _tcp = new TcpClient(Spec.EndPoint!.AddressFamily);
        await _tcp.ConnectAsync(Spec.EndPoint, cancellationToken);
        _tls = new SslStream(_tcp.GetStream());
        await _tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = Spec.TlsName, RemoteCertificateValidationCallback = validate }, cancellationToken);
        return _tls;
    }

    private void Close()
    {
        _tls?.Dispose();
        _tcp?.Dispose();
        _tls = null;
        _tcp = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
