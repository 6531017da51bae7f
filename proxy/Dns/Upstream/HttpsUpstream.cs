using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Dns.Upstream;

/// <summary>DNS-over-HTTPS (RFC 8484) to one upstream: POST application/dns-message, HTTP/2 when offered.</summary>
internal sealed class HttpsUpstream(DnsUpstream spec, HttpMessageHandler? handler = null) : IDnsUpstream
{
    private static readonly MediaTypeHeaderValue s_dnsMessage = new("application/dns-message");
    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public DnsUpstream Spec { get; } = spec;

    public async Task<byte[]> ExchangeAsync(byte[] query, CancellationToken cancellationToken)
    {
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(query);
        byte[] wire = (byte[])query.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(wire, 0); // RFC 8484 §4.1: ID 0 helps HTTP caches
        using var content = new ByteArrayContent(wire);
        content.Headers.ContentType = s_dnsMessage;
        try
        {
            using HttpResponseMessage response = await _http.PostAsync(Spec.Url, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new DnsUpstreamException($"{Spec}: HTTP {(int)response.StatusCode}");
            }

            byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (answer.Length < 12)
            {
                throw new DnsUpstreamException($"{Spec}: answer too short");
            }

            BinaryPrimitives.WriteUInt16BigEndian(answer, id);
            return answer;
        }
        catch (HttpRequestException ex)
        {
            throw new DnsUpstreamException($"{Spec}: {ex.Message}", ex);
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
