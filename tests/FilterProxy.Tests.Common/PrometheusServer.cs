using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit;

namespace FilterProxy.Tests.Common;

/// <summary>
/// Debian's real Prometheus server on 127.0.0.1 and a free port, scraping one target every two seconds, its data in a
/// temporary folder; stopped by its PID. Fails loudly (never skips) when it is not installed: .ci/run installs it.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly TempDirectory _dir;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, TempDirectory dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    /// <param name="target">host:port of the /metrics endpoint.</param>
    /// <param name="bearerToken">Sent as Authorization: Bearer on every scrape, when set.</param>
    public static async Task<PrometheusServer> StartAsync(string target, string? bearerToken = null)
    {
        Assert.True(File.Exists(Binary), "prometheus is not installed (apt-get install prometheus; .ci/run does this)");
        var dir = new TempDirectory();
        string auth = bearerToken is null ? "" : $"\n    authorization:\n      credentials: \"{bearerToken}\"";
        string config = dir.File("prometheus.yml", $"""
            global:
              scrape_interval: 2s
              scrape_timeout: 2s
            scrape_configs:
              - job_name: filterproxy
                metrics_path: /metrics{auth}
                static_configs:
                  - targets: ["{target}"]
            """);
        int port = RedisServer.FreePort();
        Process process = ServerProcess.Start(Binary, [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir.Path, "tsdb")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"]);
        var server = new PrometheusServer(process, dir, port);
        await ServerProcess.WaitUntilListeningAsync(process, port, "prometheus");
        return server;
    }

    /// <summary>
    /// Evaluates <paramref name="query"/> (PromQL) until it returns a sample or <paramref name="within"/> passes; the first
    /// sample's value, or null. Scrapes are every two seconds, so a series appears a few seconds after the traffic.
    /// </summary>
    public async Task<double?> WaitForValueAsync(string query, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, "prometheus exited");
            using JsonDocument answer = JsonDocument.Parse(await _http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}"));
            JsonElement data = answer.RootElement.GetProperty("data");
            JsonElement result = data.GetProperty("result");
            if (result.GetArrayLength() > 0)
            {
                string value = result[0].GetProperty("value")[1].GetString()!;
                return double.Parse(value, CultureInfo.InvariantCulture);
            }

            if (deadline.Elapsed > within)
            {
                return null;
            }

            await Task.Delay(500);
        }
    }

    /// <summary>Evaluates a PromQL expression once: "success", or Prometheus's error (a parse error names the problem).</summary>
    public async Task<string> CheckQueryAsync(string query)
    {
        using HttpResponseMessage response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("status").GetString() == "success"
            ? "success"
            : answer.RootElement.GetProperty("error").GetString()!;
    }

    /// <summary>The health of the scrape target as Prometheus saw it last ("up", "down", "unknown") and its last error.</summary>
    public async Task<(string Health, string Error)> TargetAsync()
    {
        using JsonDocument answer = JsonDocument.Parse(await _http.GetStringAsync("api/v1/targets"));
        JsonElement target = answer.RootElement.GetProperty("data").GetProperty("activeTargets")[0];
        return (target.GetProperty("health").GetString()!, target.GetProperty("lastError").GetString()!);
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _http.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
