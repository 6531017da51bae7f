using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace FilterProxy.Tests.Common;

/// <summary>Starting a real server binary for a test (redis-server, slapd): output drained, and a wait until it listens.</summary>
public static class ServerProcess
{
    public static Process Start(string binary, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(binary, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Waits (20 s at most) until the port accepts a connection and, when given, <paramref name="answers"/> says the
    /// server replied; fails at once if the process exits.
    /// </summary>
    public static async Task WaitUntilListeningAsync(Process process, int port, string name, Func<NetworkStream, Task<bool>>? answers = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                if (answers is null || await answers(client.GetStream()))
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }

            Assert.False(process.HasExited, $"{name} exited at start");
            await Task.Delay(50);
        }

        throw new TimeoutException($"{name} did not answer on port {port}");
    }
}
