using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using FilterProxy.Http;
using FilterProxy.Http.Content;
using FilterProxy.Http.Search;
using FilterProxy.Tests.Common;
using FilterProxy.Tls;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>Unit tests of the proxy's smaller parts: connection cap, account-control headers, decompression of cut prefixes, leaf certificates, PAC.</summary>
public sealed class ProxyPartsTests
{
    private static PolicySnapshot Snapshot(string json) =>
        new PolicyLoader(null, TimeProvider.System).LoadAsync(new TempDirectory().File("filterproxy.json", json), new Dictionary<string, string>()).GetAwaiter().GetResult();

    [Fact]
    public void ConnectionLimiter_RefusesPastTheCap_AndCountsPerClient()
    {
        var limiter = new ClientConnectionLimiter(new PolicySnapshotHolder(Snapshot("""{ "http": { "maxConnectionsPerClient": 2 } }""")), TimeProvider.System);
        IPAddress a = IPAddress.Parse("10.0.0.1");
        IPAddress b = IPAddress.Parse("10.0.0.2");

        Assert.True(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(a));
        Assert.False(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(b));
        limiter.Release(a);
        Assert.True(limiter.TryAcquire(a));
        Assert.Equal(1, limiter.Refused);
    }

    [Fact]
    public void AccountControlHeaders_GoOnlyToTheirVendors()
    {
        PolicySnapshot snapshot = Snapshot("""
            { "http": { "googleAllowedDomains": [ "school.example" ], "microsoftTenants": [ "school.onmicrosoft.com" ], "microsoftTenantContext": "tenant-id" } }
            """);
        HttpSettings settings = snapshot.Settings.Http;
        Decision decision = snapshot.Evaluate(new FilterRequest { Host = "accounts.google.com", Profile = "staff" }, DateTimeOffset.UtcNow);

        Assert.Contains(new KeyValuePair<string, string>("X-GoogApps-Allowed-Domains", "school.example"), SafeSearchRewrite.Headers(decision, "accounts.google.com", settings));
        Assert.Contains(new KeyValuePair<string, string>("Restrict-Access-To-Tenants", "school.onmicrosoft.com"), SafeSearchRewrite.Headers(decision, "login.microsoftonline.com", settings));
        Assert.Contains(new KeyValuePair<string, string>("Restrict-Access-Context", "tenant-id"), SafeSearchRewrite.Headers(decision, "login.microsoftonline.com", settings));
        Assert.Empty(SafeSearchRewrite.Headers(decision, "www.example.org", settings));
    }

    [Fact]
    public void YouTubeRestrict_FollowsTheProfile()
    {
        PolicySnapshot snapshot = Snapshot("{}");
        Decision strict = snapshot.Evaluate(new FilterRequest { Host = "www.youtube.com", Profile = "ks2" }, DateTimeOffset.UtcNow);
        Decision moderate = snapshot.Evaluate(new FilterRequest { Host = "www.youtube.com", Profile = "staff" }, DateTimeOffset.UtcNow);

        Assert.Contains(new KeyValuePair<string, string>("YouTube-Restrict", "Strict"), SafeSearchRewrite.Headers(strict, "www.youtube.com", snapshot.Settings.Http));
        Assert.Contains(new KeyValuePair<string, string>("YouTube-Restrict", "Moderate"), SafeSearchRewrite.Headers(moderate, "www.youtube.com", snapshot.Settings.Http));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public void Decompress_ReadsWhatItCanOfACutPrefix(string encoding)
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 4000).Select(static i => $"word{i} ")));
        byte[] compressed = Compress(text, encoding);
        byte[] cut = compressed[..(compressed.Length / 2)];
        byte[] destination = new byte[text.Length];

        int whole = ContentInspector.Decompress(compressed, encoding, destination);
        int part = ContentInspector.Decompress(cut, encoding, destination);

        Assert.Equal(text.Length, whole);
        Assert.InRange(part, 1, text.Length - 1);
        Assert.Equal(text.AsSpan(0, part).ToArray(), destination.AsSpan(0, part).ToArray());
        Assert.Equal(-1, ContentInspector.Decompress(cut, "compress", destination));
    }

    [Fact]
    public void LeafCertificates_AreMintedByTheSchoolCa_AndCachedPerHost()
    {
        using var dir = new TempDirectory();
        var time = TimeProvider.System;
        SchoolCertificateAuthority ca = SchoolCertificateAuthority.LoadOrCreate(dir.Path, time);
        var cache = new LeafCertificateCache(ca, time);

        var first = cache.Get("www.example.org");
        var again = cache.Get("WWW.EXAMPLE.ORG");
        var other = cache.Get("192.0.2.7");

        Assert.Same(first, again);
        Assert.Equal(2, cache.Minted);
        X509Certificate2 leaf = first.TargetCertificate;
        Assert.Equal(ca.Certificate.Subject, leaf.Issuer);
        Assert.True(leaf.MatchesHostname("www.example.org"));
        Assert.True(other.TargetCertificate.MatchesHostname("192.0.2.7"));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf));
    }

    [Fact]
    public async Task TimeoutBuckets_ShareOneTokenPerTimeout_AndTheirDeadlinesFire()
    {
        CancellationToken a = FilterProxy.Http.Forwarding.TimeoutBuckets.Token(TimeSpan.FromMinutes(5));
        CancellationToken b = FilterProxy.Http.Forwarding.TimeoutBuckets.Token(TimeSpan.FromMinutes(5));
        CancellationToken other = FilterProxy.Http.Forwarding.TimeoutBuckets.Token(TimeSpan.FromMinutes(6));
        Task deadline = FilterProxy.Http.Forwarding.TimeoutBuckets.Deadline(TimeSpan.FromMilliseconds(20));

        Assert.True(a == b || DateTime.UtcNow.Millisecond < 5); // the same bucket unless the second turned in between
        Assert.NotEqual(a, other);
        await deadline.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(deadline.IsCompletedSuccessfully);
    }

    [Fact]
    public void PacFile_SendsEverythingButLocalNamesThroughTheGateway()
    {
        string pac = ProxyAutoConfig.Script("gateway.school", 3128);

        Assert.Contains("return \"PROXY gateway.school:3128\";", pac, StringComparison.Ordinal);
        Assert.Contains("isPlainHostName(host)", pac, StringComparison.Ordinal);
        Assert.DoesNotContain("; DIRECT", pac, StringComparison.Ordinal); // no silent fall-back past the filter
        Assert.Contains("PROXY [fd00::1]:3128", ProxyAutoConfig.Script("fd00::1", 3128), StringComparison.Ordinal);
    }

    private static byte[] Compress(byte[] data, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream stream = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest),
            _ => new BrotliStream(output, CompressionLevel.Fastest),
        })
        {
            stream.Write(data);
        }

        return output.ToArray();
    }
}
