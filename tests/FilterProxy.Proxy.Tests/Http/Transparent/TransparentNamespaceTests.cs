using System.Diagnostics;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Http.Transparent;

/// <summary>
/// Transparent mode end to end across network namespaces this test creates (and removes):
/// client (10.201.0.2, no proxy settings) → gateway (NAT REDIRECT of TCP 80 and 443 to FilterProxy, which reads
/// SO_ORIGINAL_DST) → origin (10.202.0.2: python's http.server on 80, openssl s_server on 443). curl in the client
/// namespace is filtered without knowing a proxy exists. Needs root and iproute2/iptables (CI runs as root and
/// installs them); it fails, never skips, without them.
/// </summary>
public sealed class TransparentNamespaceTests : IAsyncLifetime
{
    private const string OriginIp = "10.202.0.2";
    private readonly TempDirectory _dir = new();
    private readonly NetworkNamespaces _ns = new();
    private readonly List<string> _gatewayLog = [];
    private readonly List<string> _originLog = [];
    private string _client = null!;
    private string _gateway = null!;
    private string _origin = null!;

    public async Task InitializeAsync()
    {
        _client = await _ns.AddAsync("c");
        _gateway = await _ns.AddAsync("g");
        _origin = await _ns.AddAsync("o");
        await _ns.LinkAsync(_client, "10.201.0.2/24", _gateway, "10.201.0.1/24");
        await _ns.LinkAsync(_gateway, "10.202.0.1/24", _origin, $"{OriginIp}/24");
        await _ns.Exec(_client, "ip", "route", "add", "default", "via", "10.201.0.1");
        await _ns.Exec(_origin, "ip", "route", "add", "default", "via", "10.202.0.1");
        await _ns.Exec(_gateway, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");

        // The origin: a page over HTTP, and over HTTPS with a certificate from a CA the gateway trusts.
        using var originCa = new TestCertificates();
        using var originCert = originCa.Server("secure.origin", "bet.example");
        _dir.File("www/page.html", "<html><body>origin page in its own namespace</body></html>");
        _dir.File("origin-ca.pem", originCa.AuthorityPem);
        _dir.File("origin.crt", originCert.ExportCertificatePem());
        _dir.File("origin.key", System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPrivateKey(originCert)!.ExportPkcs8PrivateKeyPem());
        _ns.Start(_origin, Path.Combine(_dir.Path, "www"), _originLog, "/usr/bin/python3", "-m", "http.server", "80", "--bind", OriginIp);
        _ns.Start(_origin, Path.Combine(_dir.Path, "www"), _originLog, "openssl", "s_server", "-quiet", "-WWW", "-accept", "443",
            "-cert", Path.Combine(_dir.Path, "origin.crt"), "-key", Path.Combine(_dir.Path, "origin.key"));

        // The gateway: FilterProxy with transparent listeners, and the NAT rules a school's router would have.
        _dir.File("gambling.txt", "bet.example\n");
        _dir.File("filterproxy.json", """
            { "dataDirectory": "data",
              "listen": { "address": "0.0.0.0", "proxyPort": 3128, "adminPort": 8080, "dnsPort": 5300, "transparentHttpPort": 3129, "transparentHttpsPort": 3130 },
              "dns": { "upstreams": [ "127.0.0.1:9" ], "dohPort": -1 },
              "lists": [ { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" } ],
              "http": { "trustedUpstreamCaFiles": [ "origin-ca.pem" ] } }
            """);
        await _ns.Exec(_gateway, "iptables", "-t", "nat", "-A", "PREROUTING", "-s", "10.201.0.0/24", "-p", "tcp", "--dport", "80", "-j", "REDIRECT", "--to-ports", "3129");
        await _ns.Exec(_gateway, "iptables", "-t", "nat", "-A", "PREROUTING", "-s", "10.201.0.0/24", "-p", "tcp", "--dport", "443", "-j", "REDIRECT", "--to-ports", "3130");
        Process gateway = _ns.Start(_gateway, _dir.Path, _gatewayLog, "dotnet", typeof(GatewayApp).Assembly.Location, "--config", Path.Combine(_dir.Path, "filterproxy.json"));
        await WaitForAsync(() => Contains(_gatewayLog, "transparent "), gateway, "the gateway's banner");
        await WaitForAsync(async () => (await _ns.TryExec(_client, "curl", "-s", "-o", "/dev/null", "--max-time", "2", $"http://{OriginIp}/page.html")).ExitCode == 0, gateway, "the origin through the gateway");
    }

    [Fact]
    public async Task ClientWithoutProxySettings_IsFilteredOnBothPorts()
    {
        string ca = Path.Combine(_dir.Path, "data", "ca", "school-ca.crt");

        // A browser sends the site's name in Host; a bare address is blocked for pupils (lists name sites, not addresses).
        string allowed = await _ns.Exec(_client, "curl", "-sS", "-i", "--max-time", "20", "-H", "Host: origin.test", $"http://{OriginIp}/page.html");
        string bareAddress = await _ns.Exec(_client, "curl", "-sS", "-i", "--max-time", "20", $"http://{OriginIp}/page.html");
        string blocked = await _ns.Exec(_client, "curl", "-sS", "-i", "--max-time", "20", "-H", "Host: bet.example", "-H", "Accept: text/html", $"http://{OriginIp}/page.html");
        string intercepted = await _ns.Exec(_client, "curl", "-sS", "-i", "--max-time", "20", "--cacert", ca, "--resolve", $"secure.origin:443:{OriginIp}", "https://secure.origin/page.html");
        string blockedHttps = await _ns.Exec(_client, "curl", "-sS", "-i", "--max-time", "20", "--cacert", ca, "--resolve", $"bet.example:443:{OriginIp}", "-H", "Accept: text/html", "https://bet.example/page.html");

        Assert.StartsWith("HTTP/1.0 200", allowed.Replace("HTTP/1.1", "HTTP/1.0", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("origin page in its own namespace", allowed, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", blocked, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", bareAddress, StringComparison.Ordinal);
        Assert.Contains("bare IP address", bareAddress, StringComparison.Ordinal);
        Assert.Contains("This page is blocked", blocked, StringComparison.Ordinal);
        Assert.True(intercepted.Contains("origin page in its own namespace", StringComparison.Ordinal), intercepted); // the school CA's leaf: decrypted by the gateway
        Assert.Contains("HTTP/1.1 403", blockedHttps, StringComparison.Ordinal);
        Assert.Contains("Gambling", blockedHttps, StringComparison.Ordinal);
    }

    private static bool Contains(List<string> lines, string text)
    {
        lock (lines)
        {
            return lines.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    private Task WaitForAsync(Func<bool> condition, Process process, string what) => WaitForAsync(() => Task.FromResult(condition()), process, what);

    private async Task WaitForAsync(Func<Task<bool>> condition, Process process, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(200);
        }

        lock (_gatewayLog)
        {
            throw new Xunit.Sdk.XunitException($"waited for {what}; gateway log:\n{string.Join('\n', _gatewayLog)}\norigin log:\n{string.Join('\n', _originLog)}");
        }
    }

    public async Task DisposeAsync()
    {
        await _ns.DisposeAsync();
        _dir.Dispose();
    }
}
