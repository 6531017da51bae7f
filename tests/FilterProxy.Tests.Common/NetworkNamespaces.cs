using System.Diagnostics;

namespace FilterProxy.Tests.Common;

/// <summary>
/// Network namespaces a test creates and removes (ip netns; needs root, as CI runs). Names carry a random
/// suffix so parallel runs do not collide; every address used lives inside these namespaces only. Processes
/// started in them are killed by PID on dispose, then the namespaces are deleted.
/// </summary>
public sealed class NetworkNamespaces : IAsyncDisposable
{
    private readonly List<string> _names = [];
    private readonly List<Process> _processes = [];

    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..6];

    public async Task<string> AddAsync(string role)
    {
        string name = $"fp{role}{Suffix}";
        await ExternalTool.RunCheckedAsync("ip", "netns", "add", name);
        _names.Add(name);
        await Exec(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /// <summary>Links two namespaces with a veth pair and gives each end an address (CIDR).</summary>
    public async Task LinkAsync(string a, string aAddress, string b, string bAddress)
    {
        string ifA = $"v{_names.IndexOf(a)}{_names.IndexOf(b)}a{Suffix}";
        string ifB = $"v{_names.IndexOf(a)}{_names.IndexOf(b)}b{Suffix}";
        await ExternalTool.RunCheckedAsync("ip", "link", "add", ifA, "netns", a, "type", "veth", "peer", "name", ifB, "netns", b);
        await Exec(a, "ip", "addr", "add", aAddress, "dev", ifA);
        await Exec(b, "ip", "addr", "add", bAddress, "dev", ifB);
        await Exec(a, "ip", "link", "set", ifA, "up");
        await Exec(b, "ip", "link", "set", ifB, "up");
    }

    public Task<string> Exec(string ns, params string[] command) => ExternalTool.RunCheckedAsync("ip", ["netns", "exec", ns, .. command]);

    public Task<(int ExitCode, string Output)> TryExec(string ns, params string[] command) => ExternalTool.ExecAsync("ip", ["netns", "exec", ns, .. command]);

    /// <summary>Starts a long-running process in a namespace (stdout and stderr collected into <paramref name="output"/>).</summary>
    public Process Start(string ns, string workingDirectory, List<string> output, params string[] command)
    {
        var info = new ProcessStartInfo("ip", ["netns", "exec", ns, .. command])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Process process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        foreach (string name in _names)
        {
            await ExternalTool.ExecAsync("ip", "netns", "del", name);
        }
    }
}
