using System.Diagnostics;
using FilterProxy.Admin.Api;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FilterProxy.Hosting;

/// <summary>
/// The running gateway: loads and validates the policy (refusing to start on an invalid configuration),
/// then hosts the admin API on Kestrel, watches the configuration and refreshes lists.
/// </summary>
internal sealed class GatewayApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayApp(WebApplication app, Uri adminUri)
    {
        _app = app;
        AdminUri = adminUri;
    }

    public Uri AdminUri { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayApp> StartAsync(string? configPath, IReadOnlyDictionary<string, string> environment, TextWriter banner, CancellationToken cancellationToken)
    {
        string? path = ConfigLoader.Locate(configPath, environment);
        var context = new GatewayContext(path, environment);
        var time = TimeProvider.System;
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromMinutes(5) };
        var loader = new PolicyLoader(http, time);

        var watch = Stopwatch.StartNew();
        PolicySnapshot snapshot = await loader.LoadAsync(path, environment, null, null, cancellationToken);
        long loadMilliseconds = watch.ElapsedMilliseconds;
        Directory.CreateDirectory(snapshot.Settings.DataDirectory);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Secure defaults (Kestrel's own limits are kept; these make the admin port small and quiet).
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1 << 20;
            k.Listen(snapshot.Settings.ListenAddress, snapshot.Settings.AdminPort);
        });
        var holder = new PolicySnapshotHolder(snapshot);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton(http);
        builder.Services.AddSingleton(loader);
        builder.Services.AddSingleton(holder);
        builder.Services.AddSingleton<PolicyEvaluator>();
        builder.Services.AddSingleton<PolicyReloader>();
        builder.Services.AddHostedService<ConfigWatcher>();
        builder.Services.AddHostedService<ListRefreshService>();

        WebApplication app = builder.Build();
        app.UseMiddleware<ClientAccessMiddleware>();
        app.MapFilterProxyAdmin();
        await app.StartAsync(cancellationToken);

        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FilterProxy");
        PolicyReloader.Report(logger, holder.Current, "start", loadMilliseconds);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var adminUri = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        await StartupBanner.WriteAsync(banner, holder.Current, path, address, loadMilliseconds);
        return new GatewayApp(app, adminUri);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
