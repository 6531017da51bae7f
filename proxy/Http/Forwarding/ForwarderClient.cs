using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Http.Forwarding;

/// <summary>
/// The pooled upstream client (SocketsHttpHandler, HTTP/1.1 and HTTP/2): no proxy, no redirects, no cookies, no
/// decompression (bodies pass through as the origin sent them), no trace headers added. Connections go through
/// <see cref="OriginConnector"/> (original destination, local names, loop refusal). Origin certificates are
/// validated against the system's roots plus http.trustedUpstreamCaFiles.
/// </summary>
internal static class ForwarderClient
{
    /// <summary>A transparently redirected request's original destination, for the connect callback.</summary>
    public static readonly HttpRequestOptionsKey<IPEndPoint> OriginalDestination = new("FilterProxy.OriginalDestination");

    public static HttpMessageInvoker Create(OriginConnector connector, HttpSettings settings)
    {
        X509Certificate2Collection extra = LoadCertificates(settings.TrustedUpstreamCaFiles);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            // No ConnectTimeout here: OriginConnector applies http.connectTimeoutMs from the current snapshot (live on reload).
            MaxResponseHeadersLength = 64,
            ConnectCallback = async (context, cancellationToken) =>
            {
                context.InitialRequestMessage.Options.TryGetValue(OriginalDestination, out IPEndPoint? original);
                System.Net.Sockets.Socket socket = await connector.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, original, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    bool valid = Validate(certificate, errors, extra);
                    if (!valid && sender is SslStream ssl)
                    {
                        CertificateErrors.Record(ssl.TargetHostName, Describe(errors, chain));
                    }

                    return valid;
                },
            },
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection extra)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || extra.Count == 0 || certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extra);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static string Describe(SslPolicyErrors errors, X509Chain? chain)
    {
        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            parts.Add("it is for another name");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            parts.Add("the site sent none");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            IEnumerable<string> statuses = chain?.ChainStatus.Select(static s => s.Status switch
            {
                X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => "it is not signed by a trusted authority",
                X509ChainStatusFlags.NotTimeValid => "it has expired or is not valid yet",
                X509ChainStatusFlags.Revoked => "it has been revoked",
                _ => s.StatusInformation.Trim(),
            }) ?? [];
            parts.AddRange(statuses.Where(static s => s.Length > 0).Distinct());
        }

        return parts.Count == 0 ? "it is not valid" : string.Join("; ", parts);
    }

    private static X509Certificate2Collection LoadCertificates(IReadOnlyList<string> files)
    {
        var collection = new X509Certificate2Collection();
        foreach (string file in files)
        {
            collection.ImportFromPemFile(file);
        }

        return collection;
    }
}
