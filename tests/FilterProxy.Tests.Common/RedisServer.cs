using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace FilterProxy.Tests.Common;

/// <summary>
/// A real redis-server on 127.0.0.1 and a free port, no persistence, started for the tests and stopped by its PID.
/// Fails loudly (never skips) when redis-server is not installed: .ci/run installs it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private readonly string? _persistDirectory;

    private RedisServer(int port, string? persistDirectory)
    {
        Port = port;
        _persistDirectory = persistDirectory;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="persistDirectory">
    /// When set, every write is appended and fsynced to an AOF there (appendfsync always), so a killed and
    /// restarted server keeps everything it acknowledged: what fault tests need to check "exactly once".
    /// </param>
    public static async Task<RedisServer> StartAsync(string? persistDirectory = null)
    {
        var server = new RedisServer(FreePort(), persistDirectory);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts (or restarts, on the same port) the server and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        const string binary = "/usr/bin/redis-server";
        Assert.True(File.Exists(binary), "redis-server is not installed (apt-get install redis-server; .ci/run does this)");
        _process = ServerProcess.Start(binary, ["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--save", "", "--protected-mode", "yes", "--loglevel", "warning",
            .. (_persistDirectory is null ? ["--appendonly", "no"] : new[] { "--appendonly", "yes", "--appendfsync", "always", "--dir", _persistDirectory })]);
        await ServerProcess.WaitUntilListeningAsync(_process, Port, "redis-server", async s =>
        {
            await s.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            int n = await s.ReadAsync(buffer);
            return n > 0 && buffer[0] == (byte)'+';
        });
    }

    /// <summary>Kills the server (SIGKILL: what a crash looks like to clients). Its data is gone, as with any crash without persistence.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
