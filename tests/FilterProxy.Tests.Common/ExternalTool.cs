using System.Diagnostics;

namespace FilterProxy.Tests.Common;

/// <summary>Runs a real command-line client (dig, kdig, curl) and returns what it prints (stdout, then stderr).</summary>
public static class ExternalTool
{
    public static async Task<string> RunAsync(string tool, params string[] args) => (await ExecAsync(tool, args)).Output;

    /// <summary>Runs the tool and throws, with its output, unless it exits with 0.</summary>
    public static async Task<string> RunCheckedAsync(string tool, params string[] args)
    {
        (int exit, string output) = await ExecAsync(tool, args);
        return exit == 0 ? output : throw new InvalidOperationException($"'{tool} {string.Join(' ', args)}' exited with {exit}: {output}");
    }

    public static async Task<(int ExitCode, string Output)> ExecAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start (.ci/run installs it: curl, bind9-dnsutils, knot-dnsutils)");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
