using FilterProxy.Core.Configuration;

namespace FilterProxy.Dns.Upstream;

/// <summary>
/// One upstream resolver. <see cref="ExchangeAsync"/> returns a response whose ID matches the query's
/// (a transport may write a new random ID into <c>query</c> first), or throws.
/// </summary>
internal interface IDnsUpstream : IAsyncDisposable
{
    DnsUpstream Spec { get; }

    Task<byte[]> ExchangeAsync(byte[] query, CancellationToken cancellationToken);
}

/// <summary>An upstream failed: timeout, refused, a malformed or mismatched answer.</summary>
internal sealed class DnsUpstreamException(string message, Exception? inner = null) : Exception(message, inner);
