using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Hosting;

/// <summary>
/// The real executable as a person runs it: a child process on loopback, driven by a config file,
/// SIGHUP and curl; stopped by its PID.
/// </summary>
public sealed partial class GatewayProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Process Start(out List<string> lines, params (string Key, string Value)[] env)
    {
        string dll = typeof(GatewayApp).Assembly.Location;
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach ((string key, string value) in GatewayTestEnvironment.Loopback)
        {
            info.Environment[key] = value;
        }

        foreach ((string key, string value) in env)
        {
            info.Environment[key] = value;
        }

        var output = new List<string>();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lines = output;
        return process;
    }

    private static string WaitForLine(List<string> lines, Regex pattern, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (lines)
            {
                if (lines.FirstOrDefault(pattern.IsMatch) is { } line)
                {
                    return line;
                }
            }

            Assert.False(process.HasExited && process.WaitForExit(100) && !lines.Any(pattern.IsMatch), "FilterProxy exited: " + string.Join('\n', lines));
            Thread.Sleep(50);
        }

        throw new TimeoutException("no line matching " + pattern + " in:\n" + string.Join('\n', lines));
    }

    private static async Task<string> Curl(string url)
    {
        var info = new ProcessStartInfo("curl", ["-sS", "--max-time", "10", url]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process curl = Process.Start(info)!;
        string body = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, "curl failed: " + await curl.StandardError.ReadToEndAsync());
        return body;
    }

    [Fact]
    public async Task Run_PrintsDefaults_ServesHealth_ReloadsOnSighup()
    {
        string config = _dir.File("filterproxy.json", """{ "dataDirectory": "data", "profiles": { "ks2": { "deny": [ "first.example" ] } } }""");
        using Process gateway = Start(out List<string> lines);
        try
        {
            string admin = AdminAddress().Match(WaitForLine(lines, AdminAddress(), gateway)).Groups[1].Value;
            WaitForLine(lines, BannerEnd(), gateway); // the banner is written line by line
            lock (lines)
            {
                string banner = string.Join('\n', lines);
                Assert.Matches(@"proxy\s+127\.0\.0\.1:\d+ explicit HTTP/HTTPS proxy", banner);
                Assert.Matches(@"dns\s+127\.0\.0\.1:\d+ UDP and TCP", banner);
                Assert.Matches(@"doh\s+https://127\.0\.0\.1:\d+/dns-query", banner);
                Assert.Contains("nursery-ks1 (unknown clients)", banner, StringComparison.Ordinal);
                Assert.Contains(config, banner, StringComparison.Ordinal);       // found ./filterproxy.json
            }

            Assert.True(Directory.Exists(Path.Combine(_dir.Path, "data")));
            string proxy;
            lock (lines)
            {
                proxy = System.Text.RegularExpressions.Regex.Match(string.Join('\n', lines), @"proxy\s+(127\.0\.0\.1:\d+)").Groups[1].Value;
            }

            Assert.Contains("FindProxyForURL", await Curl($"http://{proxy}/proxy.pac"), StringComparison.Ordinal);
            var healthOutput = new StringWriter();
            Assert.Equal(0, await FilterProxy.Cli.CommandLine.RunAsync(["health", "--url", admin + "/healthz"], healthOutput, TextWriter.Null));
            Assert.Contains("\"status\":\"ok\"", healthOutput.ToString(), StringComparison.Ordinal);
            using (JsonDocument health = JsonDocument.Parse(await Curl(admin + "/healthz")))
            {
                Assert.Equal(1, health.RootElement.GetProperty("policyVersion").GetInt64());
            }

            // Change the file and send SIGHUP: the new deny entry applies without a restart.
            File.WriteAllText(config, """{ "dataDirectory": "data", "profiles": { "ks2": { "deny": [ "second.example" ] } } }""");
            await WaitForVerdict(admin, "second.example", "block");
            Process.Start("kill", ["-HUP", gateway.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await WaitForVersionAtLeast(admin, 3);
            Assert.False(gateway.HasExited, "SIGHUP must reload, not stop, the gateway");
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            gateway.WaitForExit(10_000);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Run_DataDirectory_AndEveryFileInIt_AreOwnerOnly_AfterTraffic()
    {
        // An older version left a readable file behind; the start tightens it.
        _dir.File("data/admin/leftover.json", "{}");
        File.SetUnixFileMode(Path.Combine(_dir.Path, "data", "admin", "leftover.json"), (UnixFileMode)0b110_100_100);
        _dir.File("filterproxy.json", """{ "dataDirectory": "data" }""");
        using Process gateway = Start(out List<string> lines);
        try
        {
            WaitForLine(lines, BannerEnd(), gateway);
            string dns;
            string proxy;
            lock (lines)
            {
                string all = string.Join('\n', lines);
                dns = Regex.Match(all, @"dns\s+127\.0\.0\.1:(\d+)").Groups[1].Value;
                proxy = Regex.Match(all, @"proxy\s+(127\.0\.0\.1:\d+)").Groups[1].Value;
            }

            // Traffic that writes events (and so the SQLite file with its -wal and -shm) and a session-store lookup.
            await DnsTool.RunAsync("dig", ["@127.0.0.1", "-p", dns, "+tries=1", "+time=2", "dns.google", "A"]);
            await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "--max-time", "10", "-x", $"http://{proxy}", "http://blocked.invalid/"]);
            string db = Path.Combine(_dir.Path, "data", "events.db");
            for (int i = 0; i < 100 && !File.Exists(db + "-wal"); i++)
            {
                await Task.Delay(100);
            }

            Assert.True(File.Exists(db + "-wal"), "the event store was never written");
            string data = Path.Combine(_dir.Path, "data");
            var wrong = new List<string>();
            foreach (string entry in Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories).Prepend(data))
            {
                UnixFileMode mode = File.GetUnixFileMode(entry);
                bool directory = Directory.Exists(entry);
                UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
                if ((mode & others) != 0 || (directory && mode != (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)))
                {
                    wrong.Add($"{Path.GetRelativePath(data, entry)} {Convert.ToString((int)mode, 8)}");
                }
            }

            Assert.True(wrong.Count == 0, "readable by others: " + string.Join(", ", wrong));
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            gateway.WaitForExit(10_000);
        }
    }

    [Fact]
    public void Run_ConfigWithAnUnknownKey_ReportsEveryOtherErrorToo()
    {
        _dir.File("filterproxy.json", """{ "colour": "blue", "listen": { "transparentHttpPort": -1 }, "profiles": { "ks2": { "tls": "maybe" } } }""");

        string all = RunUntilRefused();

        Assert.Contains("colour: unknown setting", all, StringComparison.Ordinal);
        Assert.Contains("listen.transparentHttpPort: -1 is not a port number", all, StringComparison.Ordinal);
        Assert.Contains("profiles.ks2.tls: 'maybe' is not one of: splice, intercept", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_DamagedContentModel_RefusesToStartAndSaysWhy()
    {
        _dir.File("school.model", "FPCM\u0001\u0000\u0000\u0000 a model file cut short");
        _dir.File("filterproxy.json", """{ "http": { "contentModel": "school.model" } }""");

        string all = RunUntilRefused();

        Assert.Contains("http.contentModel:", all, StringComparison.Ordinal);
        Assert.Contains("school.model", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InvalidConfig_RefusesToStartAndSaysWhy()
    {
        _dir.File("filterproxy.json", """{ "listen": { "transparentHttpPort": -1 }, "profiles": { "ks2": { "tls": "maybe" } } }""");

        string all = RunUntilRefused();

        Assert.Contains("listen.transparentHttpPort: -1 is not a port number", all, StringComparison.Ordinal);
        Assert.Contains("profiles.ks2.tls: 'maybe' is not one of: splice, intercept", all, StringComparison.Ordinal);
    }

    /// <summary>Starts the gateway, which must refuse to start (exit 2, "did not start"); returns everything it printed.</summary>
    private string RunUntilRefused()
    {
        using Process gateway = Start(out List<string> lines);
        try
        {
            Assert.True(gateway.WaitForExit(30_000));
            gateway.WaitForExit(); // flush redirected output
            Assert.Equal(2, gateway.ExitCode);
            string all;
            lock (lines)
            {
                all = string.Join('\n', lines);
            }

            Assert.Contains("FilterProxy did not start", all, StringComparison.Ordinal);
            return all;
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill(entireProcessTree: true);
                gateway.WaitForExit(10_000);
            }
        }
    }

    [Fact]
    public void Run_PortInUse_SaysWhichAndExits()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using Process gateway = Start(out List<string> lines, ("FILTERPROXY__listen__adminPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        try
        {
            Assert.True(gateway.WaitForExit(30_000));
            gateway.WaitForExit();
            Assert.Equal(3, gateway.ExitCode);
            lock (lines)
            {
                Assert.Contains(lines, l => l.Contains($"could not listen", StringComparison.Ordinal) && l.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            }
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Run_RefusesClientsOutsideAllowedNetworks()
    {
        using Process gateway = Start(out List<string> lines, ("FILTERPROXY__allowedClients__0", "10.0.0.0/8"));
        try
        {
            string admin = AdminAddress().Match(WaitForLine(lines, AdminAddress(), gateway)).Groups[1].Value;
            using var http = new HttpClient();
            HttpResponseMessage response = await http.GetAsync(admin + "/healthz");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(1, await FilterProxy.Cli.CommandLine.RunAsync(["health", "--url", admin + "/healthz"], TextWriter.Null, TextWriter.Null));
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            gateway.WaitForExit(10_000);
        }
    }

    private static async Task WaitForVerdict(string admin, string url, string verdict)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using JsonDocument d = JsonDocument.Parse(await Curl($"{admin}/api/check?url={url}&profile=ks2"));
            if (d.RootElement.GetProperty("verdict").GetString() == verdict)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{url} never became {verdict}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForVersionAtLeast(string admin, long version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using JsonDocument health = JsonDocument.Parse(await Curl(admin + "/healthz"));
            if (health.RootElement.GetProperty("policyVersion").GetInt64() >= version)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "SIGHUP did not reload the policy");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"admin \+ API\s+(http://127\.0\.0\.1:\d+)")]
    private static partial Regex AdminAddress();

    [GeneratedRegex(@"^\s+loaded in\s+\d+ ms")]
    private static partial Regex BannerEnd();

    public void Dispose() => _dir.Dispose();
}
