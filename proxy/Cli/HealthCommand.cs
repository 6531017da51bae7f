using System.CommandLine;
using System.Net;

namespace FilterProxy.Cli;

/// <summary><c>health</c>: asks a running gateway's /healthz (used by the Dockerfile's HEALTHCHECK).</summary>
internal static class HealthCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var url = new Option<string?>("--url") { Description = "Health URL (default: http://127.0.0.1:<admin port>/healthz from the configuration)" };
        var command = new Command("health", "Check that a running gateway answers; exit code 0 when it does.") { url };
        command.SetAction(async (parse, ct) =>
        {
            string? target = parse.GetValue(url);
            if (target is null)
            {
                if (await PolicyArguments.CompileOrReportAsync(parse.GetValue(CommandLine.ConfigOption), error) is not { } compiled)
                {
                    return 2;
                }

                IPAddress address = compiled.Settings.ListenAddress;
                string host = address.Equals(IPAddress.Any) ? "127.0.0.1" : address.Equals(IPAddress.IPv6Any) ? "[::1]" : address.ToString();
                target = $"http://{host}:{compiled.Settings.AdminPort}/healthz";
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using HttpResponseMessage response = await http.GetAsync(target, ct);
                string body = await response.Content.ReadAsStringAsync(ct);
                await output.WriteLineAsync(body);
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await error.WriteLineAsync($"{target}: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
