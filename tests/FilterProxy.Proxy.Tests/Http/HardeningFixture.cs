using System.Net;
using System.Net.Sockets;
using System.Text;
using FilterProxy.Core.Events;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// A gateway with the proxy's default refusals kept (no <c>http.allowInternalDestinations</c> for 127.0.0.1): what an outside
/// probe met. Clients: 127.0.0.1 is unknown (nursery-ks1, here any CONNECT port so the origin's TLS port works), 127.0.0.5 staff (any CONNECT port), 127.0.0.6 a ks2 lab with one
/// allowed address, 127.0.0.9 capped at 20 connections. Beside it: a "Redis" on 127.0.0.1 (counts who connects), a plain
/// HTTP server on 127.0.0.20 standing for a blocked site's address, and a TestOrigin on 127.0.0.17 (doh.test, intercepted).
/// Only 127.0.0.16/28 may be reached, so the origins work and loopback's 127.0.0.1 stays refused.
/// </summary>
public sealed class HardeningFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TestCertificates _originCa = new();
    private readonly TestCertificates _strangerCa = new("Nobody Trusts This CA");

    internal GatewayApp App { get; private set; } = null!;
    internal TestOrigin Origin { get; private set; } = null!;
    public CapturingLogs Logs { get; } = new();
    public CountingServer FakeRedis { get; } = new(IPAddress.Loopback, "+PONG\r\n");
    public CountingServer BlockedSite { get; } = new(IPAddress.Parse("127.0.0.20"), "HTTP/1.1 200 OK\r\nContent-Length: 23\r\nConnection: close\r\n\r\nthe blocked site's page");
    public IPEndPoint Proxy => App.ProxyEndPoint;
    public string ProxyUrl => $"http://{Proxy}";
    public int AdminPort => App.AdminUri.Port;
    public string SchoolCaFile => Path.Combine(_dir.Path, "data", "ca", "school-ca.crt");
    public string DataDirectory => Path.Combine(_dir.Path, "data");

    public async Task InitializeAsync()
    {
        Origin = await TestOrigin.StartAsync(_originCa.Server("doh.test"), _strangerCa.Server("untrusted.test"), IPAddress.Parse("127.0.0.17"));
        _dir.File("origin-ca.pem", _originCa.AuthorityPem);
        _dir.File("gambling.txt", "blocked.test\n");
        string config = _dir.File("filterproxy.json", """
            { "dataDirectory": "data",
              "allowedClients": [ "127.0.0.0/8", "::1/128" ],
              "lists": [ { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" } ],
              "groups": { "staff-room": { "profile": "staff", "networks": [ "127.0.0.5/32" ] },
                          "lab": { "profile": "ks2-lab", "networks": [ "127.0.0.6/32" ] } },
              "profiles": { "ks2-lab": { "basedOn": "ks2", "allowAddresses": [ "127.0.0.20/32" ] },
                            "nursery-ks1": { "connectPorts": [ "*" ] } },
              "dns": { "localNames": { "intranet.test": [ "127.0.0.1" ], "bank.test": [ "127.0.0.21" ], "blocked.test": [ "127.0.0.20" ], "doh.test": [ "127.0.0.17" ] } },
              "http": { "neverIntercept": [ "bank.test" ], "allowInternalDestinations": [ "127.0.0.16/28" ], "trustedUpstreamCaFiles": [ "origin-ca.pem" ],
                        "maxConnectionsPerClient": 20 } }
            """);
        App = await GatewayApp.StartAsync(config, GatewayTestEnvironment.Strict(), TextWriter.Null, CancellationToken.None, Logs);
    }

    /// <summary>Sends one raw request through the proxy from a given loopback address; returns what came back (until close or 10 s).</summary>
    public async Task<string> RawAsync(string from, string request)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await client.ConnectAsync(Proxy);
        await client.SendAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await client.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, n);
                if (Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal) && !request.StartsWith("CONNECT", StringComparison.Ordinal) && IsComplete(received.ToArray()))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static bool IsComplete(byte[] response)
    {
        string text = Encoding.UTF8.GetString(response);
        int head = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        System.Text.RegularExpressions.Match length = System.Text.RegularExpressions.Regex.Match(text[..head], @"(?i)content-length:\s*(\d+)");
        return length.Success && Encoding.UTF8.GetByteCount(text[(head + 4)..]) >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs curl through the proxy from a given loopback address: <c>-sS -i</c>, 20 s cap.</summary>
    public Task<string> Curl(string from, params string[] args) =>
        ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "20", "--interface", from, "-x", ProxyUrl, .. args]);

    public Task<FilterEvent> EventAsync(Func<FilterEvent, bool> match) => RecentEvents.WaitAsync(App.Services, match);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Origin.DisposeAsync();
        FakeRedis.Dispose();
        BlockedSite.Dispose();
        _originCa.Dispose();
        _strangerCa.Dispose();
        _dir.Dispose();
    }
}

/// <summary>A TCP server on a loopback address that counts the connections it accepts and answers each with fixed bytes.</summary>
public sealed class CountingServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    public CountingServer(IPAddress address, string answer)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync(Encoding.ASCII.GetBytes(answer));
    }

    public int Port { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync(byte[] answer)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                await socket.SendAsync(answer);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
