using System.Net;
using System.Security.Cryptography.X509Certificates;
using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Upstream;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;
using FilterProxy.Tls;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>The encrypted upstream transports against real servers on loopback, and answer matching.</summary>
public sealed class UpstreamTransportTests
{
    private static readonly byte[] s_question = [7, (byte)'a', (byte)'l', (byte)'l', (byte)'o', (byte)'w', (byte)'e', (byte)'d', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 1, 0, 1];

    [Fact]
    public async Task DnsOverTls_ValidatesTheServerCertificate()
    {
        using var dir = new TempDirectory();
        using var upstream = new FakeDnsUpstream();
        upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10")];
        var ca = SchoolCertificateAuthority.LoadOrCreate(dir.Path, TimeProvider.System);
        X509Certificate2 server = ca.IssueServerCertificate(["dot.test"], [IPAddress.Loopback], TimeProvider.System);
        IPEndPoint dot = upstream.StartTls(server);

        Assert.True(PolicyCompiler.TryParseUpstream($"tls://{dot}#dot.test", out DnsUpstream? spec, out _));
        await using var trusted = new UpstreamPool([spec], TimeSpan.FromSeconds(5), TimeProvider.System, s => new TlsUpstream(s, TrustOnly(ca.Certificate)));
        var (_, message, used, _) = await trusted.ExchangeAsync(s_question, "allowed.test", 1, 1, false, CancellationToken.None);
        Assert.Equal((0, 1), (message.Rcode, message.AnswerCount));
        Assert.Equal(spec, used);

        // The same server with the system trust store: the school CA is not trusted, so it must fail.
        await using var system = new UpstreamPool([spec], TimeSpan.FromSeconds(5), TimeProvider.System);
        await Assert.ThrowsAsync<DnsUpstreamException>(() => system.ExchangeAsync(s_question, "allowed.test", 1, 1, false, CancellationToken.None));
    }

    [Fact]
    public async Task DnsOverHttps_ThroughAnotherGatewaysDohEndpoint()
    {
        using var dir = new TempDirectory();
        using var upstream = new FakeDnsUpstream();
        upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10")];
        string config = dir.File("filterproxy.json", $$"""{ "dataDirectory": "data", "dns": { "upstreams": [ "{{upstream.Address}}" ], "dohPort": 0 } }""");
        Dictionary<string, string> env = GatewayTestEnvironment.With();
        env.Remove("FILTERPROXY__dns__upstreams__0");    // the file names the fake upstream
        await using GatewayApp gateway = await GatewayApp.StartAsync(config, env, TextWriter.Null, CancellationToken.None);
        var ca = SchoolCertificateAuthority.LoadOrCreate(Path.Combine(dir.Path, "data"), TimeProvider.System);

        Assert.True(PolicyCompiler.TryParseUpstream(gateway.DohUri!.ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal), out DnsUpstream? spec, out _));
        var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = TrustOnly(ca.Certificate) } };
        await using var pool = new UpstreamPool([spec], TimeSpan.FromSeconds(5), TimeProvider.System, s => new HttpsUpstream(s, handler));
        var (_, message, _, _) = await pool.ExchangeAsync(s_question, "allowed.test", 1, 1, false, CancellationToken.None);
        Assert.Equal((0, 1), (message.Rcode, message.AnswerCount));
    }

    [Fact]
    public async Task AnswerToAnotherQuestion_IsRejected()
    {
        using var upstream = new FakeDnsUpstream { WrongQuestion = true };
        upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10")];
        Assert.True(PolicyCompiler.TryParseUpstream(upstream.Address, out DnsUpstream? spec, out _));
        await using var pool = new UpstreamPool([spec], TimeSpan.FromSeconds(2), TimeProvider.System);

        var ex = await Assert.ThrowsAsync<DnsUpstreamException>(() => pool.ExchangeAsync(s_question, "allowed.test", 1, 1, false, CancellationToken.None));
        Assert.Contains("does not match the question", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UdpUpstream_RotatesItsSourcePort_AndUsesRandomIds()
    {
        using var upstream = new FakeDnsUpstream();
        upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10")];
        Assert.True(PolicyCompiler.TryParseUpstream(upstream.Address, out DnsUpstream? spec, out _));
        await using var udp = new UdpUpstream(spec);
        var ids = new HashSet<ushort>();
        for (int i = 0; i < UdpUpstream.QueriesPerSocket * 2 + 10; i++)
        {
            byte[] query = UpstreamPool.BuildQuery(s_question, false);
            byte[] answer = await udp.ExchangeAsync(query, CancellationToken.None);
            Assert.Equal(query[..2], answer[..2]);
            ids.Add((ushort)((query[0] << 8) | query[1]));
        }

        Assert.True(ids.Count > 400, $"only {ids.Count} distinct IDs"); // random, not sequential or repeated
        Assert.True(upstream.SourcePorts.Count >= 3, $"source ports used: {upstream.SourcePorts.Count}");
    }

    private static System.Net.Security.RemoteCertificateValidationCallback TrustOnly(X509Certificate2 ca) => (_, certificate, _, _) =>
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    };
}
