using FilterProxy.Hosting;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Hosting;

/// <summary>
/// A first run as a new school makes it: no configuration file at all, no network (the only upstream never answers).
/// Real dig and curl: the best-known adult, gambling and piracy names are blocked by the offline starter set, and
/// /healthz names the set.
/// </summary>
public sealed class StarterListsEndToEndTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private GatewayApp _app = null!;

    public async Task InitializeAsync()
    {
        var env = GatewayTestEnvironment.Strict();
        env["FILTERPROXY__dataDirectory"] = Path.Combine(_dir.Path, "data");
        _app = await GatewayApp.StartAsync(null, env, TextWriter.Null, CancellationToken.None);
    }

    [Theory]
    [InlineData("pornhub.com")]
    [InlineData("bet365.com")]
    [InlineData("thepiratebay.org")]
    public async Task FreshInstall_Offline_BlocksBestKnownNames_InDnsAndThroughTheProxy(string host)
    {
        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_app.DnsEndPoint, host, "A")));
        Assert.Equal("403", await ExternalTool.RunAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
            "-x", $"http://{_app.ProxyEndPoint}", $"http://www.{host}/"));
    }

    [Fact]
    public async Task Healthz_ListsTheStarterSet()
    {
        string health = await ExternalTool.RunAsync("curl", "-s", "--max-time", "10", $"{_app.AdminUri}healthz");
        Assert.Contains("\"starter\"", health, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }
}
