using FilterProxy.Admin.Accounts;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Admin.Tests;

/// <summary>
/// A running gateway (proxy, DNS, event store, admin UI) on free loopback ports, with a self-harm list
/// (<c>harm.example</c>) and a streaming list (<c>tube.example</c>; ks2 allows streaming by default) and a games list (<c>play.example</c>, blocked for ks2), and no admin account yet (first-run setup pending).
/// </summary>
public sealed class AdminFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    private readonly TempDirectory _dir = new();

    internal GatewayApp App { get; private set; } = null!;
    public Uri Admin => App.AdminUri;
    public string ProxyUrl => $"http://{App.ProxyEndPoint}";
    public string DataDirectory => Path.Combine(_dir.Path, "data");
    public AdminAccountStore Accounts => App.Services.GetRequiredService<AdminAccountStore>();
    /// <summary>Every line the gateway logged.</summary>
    public CapturingLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        _dir.File("self-harm.txt", "harm.example\n");
        _dir.File("streaming.txt", "tube.example\n");
        _dir.File("games.txt", "play.example\n");
        string config = _dir.File("filterproxy.json", """
            { "dataDirectory": "data",
              "allowedClients": [ "127.0.0.0/8" ],
              "lists": [ { "name": "self-harm", "format": "domains", "category": "self-harm", "source": "self-harm.txt" },
                         { "name": "streaming", "format": "domains", "category": "streaming", "source": "streaming.txt" },
                         { "name": "games", "format": "domains", "category": "games", "source": "games.txt" } ],
              "groups": { "juniors": { "profile": "ks2", "networks": [ "127.0.0.0/8" ] } } }
            """);
        Dictionary<string, string> env = GatewayTestEnvironment.With(("FILTERPROXY_TEST_ADMIN_ITERATIONS", "10000"));
        App = await GatewayApp.StartAsync(config, env, TextWriter.Null, CancellationToken.None, Logs);
    }

    /// <summary>An account made directly in the store (the browser test makes the first one through setup).</summary>
    public async Task<string> AccountAsync(string userName, params string[] roles)
    {
        if (Accounts.Find(userName) is null)
        {
            (AdminAccount? account, string? error) = await Accounts.CreateAsync(userName, userName, Password, roles, pupilData: false);
            Assert.True(account is not null, error);
        }

        return userName;
    }

    /// <summary>A request through the proxy, with curl, as a pupil's browser would make it.</summary>
    public Task<string> CurlThroughProxy(string url) => ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "20", "-x", ProxyUrl, url]);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        _dir.Dispose();
    }
}
