using System.Net;
using System.Net.Sockets;
using System.Text;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Hosting;

/// <summary>
/// Metrics end to end: a real gateway with a bearer token and allowedClients of 127.0.0.1 only; real dig and curl traffic;
/// Debian's real Prometheus scraping /metrics with the token and answering PromQL over its HTTP API; an OTLP/HTTP
/// receiver the gateway pushes to. No personal data in any series.
/// OpenTelemetry listens to meters by name, so other gateways the test process runs at the same time add to the
/// same series: the assertions are lower bounds, and the list this gateway alone has is named for this test.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private const string Token = "metrics-token-0123456789";
    private const string SearchTerm = "zebra crossing homework";
    private readonly TempDirectory _dir = new();
    private readonly HttpListener _otlp = new();
    private readonly List<(string Path, string ContentType, byte[] Body)> _pushed = [];
    private GatewayApp _app = null!;
    private PrometheusServer _prometheus = null!;

    public async Task InitializeAsync()
    {
        int otlpPort = RedisServer.FreePort();
        _otlp.Prefixes.Add($"http://127.0.0.1:{otlpPort}/");
        _otlp.Start();
        _ = ReceiveOtlpAsync();
        _dir.File("gambling.txt", "blocked.test\nwww.bing.com\n");
        string config = _dir.File("filterproxy.json", $$"""
            { "dataDirectory": "data",
              "allowedClients": [ "127.0.0.1/32" ],
              "lists": [ { "name": "metrics-test-bets", "format": "domains", "category": "gambling", "source": "gambling.txt" } ],
              "dns": { "localNames": { "printer.test": [ "127.0.0.30" ] } },
              "metrics": { "bearerToken": "{{Token}}", "otlpEndpoint": "http://127.0.0.1:{{otlpPort}}", "otlpIntervalSeconds": 1 } }
            """);
        _app = await GatewayApp.StartAsync(config, GatewayTestEnvironment.Strict(), TextWriter.Null, CancellationToken.None);
        _prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{_app.AdminUri.Port}", Token);
    }

    [Fact]
    public async Task Prometheus_ReadsDnsProxyAndRuntimeSeries_AfterRealTraffic()
    {
        await DriveTrafficAsync();

        Assert.True(await _prometheus.WaitForValueAsync("sum(filterproxy_dns_queries_total{dns_protocol=\"udp\",dns_response_code=\"NOERROR\"})", TimeSpan.FromSeconds(30)) >= 2,
            $"no DNS query series; target: {await _prometheus.TargetAsync()}");
        Assert.True(await _prometheus.WaitForValueAsync("sum(filterproxy_decisions_total{filterproxy_source=\"dns\",filterproxy_verdict=\"block\",filterproxy_category=\"gambling\"})", TimeSpan.FromSeconds(30)) >= 1);
        Assert.True(await _prometheus.WaitForValueAsync("sum(filterproxy_decisions_total{filterproxy_source=\"http\",filterproxy_verdict=\"block\",filterproxy_category=\"gambling\",filterproxy_profile=\"nursery-ks1\"})", TimeSpan.FromSeconds(30)) >= 1);
        Assert.True(await _prometheus.WaitForValueAsync("sum(filterproxy_http_tunnels_total)", TimeSpan.FromSeconds(30)) >= 1);
        Assert.True(await _prometheus.WaitForValueAsync("sum(filterproxy_search_risk_total{filterproxy_risk=\"none\"})", TimeSpan.FromSeconds(30)) >= 1);
        Assert.Equal(2, await _prometheus.WaitForValueAsync("filterproxy_list_entries{filterproxy_list=\"metrics-test-bets\"}", TimeSpan.FromSeconds(30)));
        Assert.True(await _prometheus.WaitForValueAsync("filterproxy_certificate_expiry_seconds", TimeSpan.FromSeconds(30)) > 86_400 * 365);
        Assert.True(await _prometheus.WaitForValueAsync("filterproxy_events_dropped_total", TimeSpan.FromSeconds(30)) >= 0); // exported
        Assert.True(await _prometheus.WaitForValueAsync("sum(http_server_request_duration_seconds_count)", TimeSpan.FromSeconds(30)) >= 1);
        Assert.True(await _prometheus.WaitForValueAsync("sum(dotnet_gc_heap_total_allocated_bytes_total)", TimeSpan.FromSeconds(30)) > 0);
    }

    /// <summary>docs/grafana-dashboard.json: every query parses in the real Prometheus, and every series it reads is one the gateway exports.</summary>
    [Fact]
    public async Task Dashboard_QueriesParse_AndReadSeriesTheGatewayExports()
    {
        await DriveTrafficAsync();
        string text = await ScrapeAsync("127.0.0.1", Token);
        string file = RepositoryFile("docs", "grafana-dashboard.json");
        using var dashboard = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(static p => p.TryGetProperty("targets", out _))
            .SelectMany(static p => p.GetProperty("targets").EnumerateArray().Select(static t => t.GetProperty("expr").GetString()!))
            .ToList();
        Assert.True(expressions.Count >= 20, $"{expressions.Count} queries");
        var instruments = new HashSet<string>(StringComparer.Ordinal);
        using (var listener = new System.Diagnostics.Metrics.MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == FilterProxy.Metrics.GatewayMetrics.MeterName)
                {
                    instruments.Add(instrument.Name.Replace('.', '_'));
                }
            };
            listener.Start();
        }

        foreach (string expr in expressions)
        {
            string query = expr.Replace("$job", ".*", StringComparison.Ordinal).Replace("$instance", ".*", StringComparison.Ordinal);
            Assert.Equal("success", await _prometheus.CheckQueryAsync(query));
            foreach (string series in System.Text.RegularExpressions.Regex.Matches(query, @"\b((?:filterproxy|dotnet|http_server|kestrel)_[a-z_]+)\{").Select(static m => m.Groups[1].Value))
            {
                // Exported already, or an instrument of the gateway's meter that this traffic has not recorded into yet
                // (no upstream query, no page checked): Prometheus names are the instrument's, dots as underscores, unit suffixed.
                string name = System.Text.RegularExpressions.Regex.Replace(series, "_(bucket|count|sum)$", "");
                string instrument = System.Text.RegularExpressions.Regex.Replace(name, "_(seconds|bytes|total)$", "");
                Assert.True(text.Contains(name, StringComparison.Ordinal) || instruments.Contains(instrument),
                    $"the dashboard reads {series}, which /metrics does not export");
            }
        }
    }

    private static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(Path.Combine(parts));
    }

    [Fact]
    public async Task Scrape_CarriesNoPersonalData()
    {
        await DriveTrafficAsync();
        string text = await ScrapeAsync("127.0.0.1", Token);
        Assert.Contains("filterproxy_decisions_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("blocked.test", text, StringComparison.Ordinal);
        Assert.DoesNotContain("printer.test", text, StringComparison.Ordinal);
        Assert.DoesNotContain("zebra", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bing", text, StringComparison.Ordinal);
        // Every label is one of a known, bounded set: none names a client, a person, a URL or a host asked for.
        string[] labels = [.. System.Text.RegularExpressions.Regex.Matches(text, @"[{,]([a-z_]+)=""").Select(static m => m.Groups[1].Value).Distinct().Order()];
        Assert.Empty(labels.Except(s_allowedLabels));
        Assert.Contains("filterproxy_profile", labels);
    }

    private static readonly string[] s_allowedLabels =
    [
        "otel_scope_name", "otel_scope_version", "le", "service_name", "service_version", "service_instance_id",
        "telemetry_sdk_name", "telemetry_sdk_language", "telemetry_sdk_version",
        "filterproxy_source", "filterproxy_verdict", "filterproxy_category", "filterproxy_profile", "filterproxy_tunnel_mode",
        "dns_protocol", "dns_response_code", "filterproxy_dns_cache_hit", "filterproxy_blocked", "filterproxy_risk",
        "filterproxy_severity", "filterproxy_list",
        // ASP.NET Core, Kestrel and the runtime: the gateway's own listeners, never the peer.
        "http_request_method", "http_response_status_code", "http_route", "network_protocol_name", "network_protocol_version",
        "network_transport", "network_type", "server_address", "server_port", "url_scheme", "error_type", "tls_protocol_version",
        "dotnet_gc_heap_generation", "gc_heap_generation", "dotnet_gc_pause_reason", "cpu_mode", "system_cpu_logical_number",
        "exception_type", "dotnet_assembly_name",
    ];

    [Fact]
    public async Task Metrics_RefusedWithoutTheToken_AndFromOutsideAllowedClients()
    {
        Assert.StartsWith("HTTP/1.1 401", await RawGetAsync("127.0.0.1", null), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 401", await RawGetAsync("127.0.0.1", "wrong-token-0123456789"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", await RawGetAsync("127.0.0.9", Token), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await RawGetAsync("127.0.0.1", Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Otlp_PushesTheGatewaysMeter()
    {
        await DriveTrafficAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !Pushed("filterproxy.decisions"))
        {
            await Task.Delay(250);
        }

        lock (_pushed)
        {
            Assert.True(Pushed("filterproxy.decisions"), $"{_pushed.Count} OTLP posts, none with filterproxy.decisions");
            Assert.All(_pushed, p => Assert.Equal("/v1/metrics", p.Path));
            Assert.All(_pushed, p => Assert.Equal("application/x-protobuf", p.ContentType));
        }
    }

    private bool Pushed(string name)
    {
        byte[] needle = Encoding.UTF8.GetBytes(name);
        lock (_pushed)
        {
            return _pushed.Any(p => p.Body.AsSpan().IndexOf(needle) >= 0);
        }
    }

    private async Task ReceiveOtlpAsync()
    {
        while (_otlp.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _otlp.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            lock (_pushed)
            {
                _pushed.Add((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    private async Task DriveTrafficAsync()
    {
        IPEndPoint dns = _app.DnsEndPoint;
        Assert.Equal("NOERROR", DnsTool.Status(await DnsTool.Dig(dns, "printer.test", "A")));
        Assert.Equal("NOERROR", DnsTool.Status(await DnsTool.Dig(dns, "printer.test", "A")));
        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(dns, "blocked.test", "A")));
        string proxy = $"http://{_app.ProxyEndPoint}";
        Assert.Equal("403", await ExternalTool.RunAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, "http://blocked.test/"));
        // A search on a search engine this test's list blocks: the term is scored (risk none), and nothing leaves the machine.
        Assert.Equal("403", await ExternalTool.RunAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, $"http://www.bing.com/search?q={Uri.EscapeDataString(SearchTerm)}"));
        await ExternalTool.RunAsync("curl", "-s", "-o", "/dev/null", "--max-time", "10", "-x", proxy, "https://blocked.test/");
    }

    private async Task<string> ScrapeAsync(string from, string? token)
    {
        string response = await RawGetAsync(from, token);
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        return response;
    }

    /// <summary>GET /metrics from a given loopback address (so allowedClients can be tried), whole response as text.</summary>
    private async Task<string> RawGetAsync(string from, string? token)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await client.ConnectAsync(IPAddress.Loopback, _app.AdminUri.Port);
        string auth = token is null ? "" : $"Authorization: Bearer {token}\r\n";
        await client.SendAsync(Encoding.ASCII.GetBytes($"GET /metrics HTTP/1.1\r\nHost: gateway\r\n{auth}Connection: close\r\n\r\n"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        byte[] buffer = new byte[16384];
        int n;
        while ((n = await client.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    public async Task DisposeAsync()
    {
        await _prometheus.DisposeAsync();
        await _app.DisposeAsync();
        _otlp.Stop();
        _otlp.Close();
        _dir.Dispose();
    }
}
