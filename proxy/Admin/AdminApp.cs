using System.Net;
using FilterProxy.Admin.Api;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using FilterProxy.Events;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FilterProxy.Admin;

/// <summary>
/// The admin UI on its own, for a multi-site installation (<c>filterproxy admin</c>): no proxy, DNS or DoH listeners, just
/// the admin port, against the shared Redis — every node's alerts arrive on its live feed, every node's status on the
/// health page, and a policy change is published so every node reloads. It refuses to start without Redis and
/// <c>events.sharedPolicy</c>, since its changes would otherwise reach no gateway.
/// </summary>
internal sealed class AdminApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EventStack _events;

    private AdminApp(WebApplication app, EventStack events, Uri uri)
    {
        _app = app;
        _events = events;
        Uri = uri;
    }

    public Uri Uri { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<AdminApp> StartAsync(string? configPath, IReadOnlyDictionary<string, string> environment, TextWriter banner, CancellationToken cancellationToken)
    {
        string? path = ConfigLoader.Locate(configPath, environment);
        var context = new GatewayContext(path, environment);
        TimeProvider time = TimeProvider.System;
        var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var loader = new PolicyLoader(http, time);
        PolicySnapshot snapshot = await loader.LoadAsync(path, environment, null, null, cancellationToken);
        if (snapshot.Settings.Events.Store != EventStoreKind.Redis || !snapshot.Settings.Events.SharedPolicy)
        {
            throw new ConfigException(path ?? "built-in defaults", [new ConfigError("events",
                "the admin UI runs on its own only against the gateways' Redis with a shared policy (events.store \"redis\", events.redis, events.sharedPolicy true); on a single node the gateway hosts it already")]);
        }

        FilterProxy.Core.Text.PrivateFiles.CreateDirectory(snapshot.Settings.DataDirectory);
        FilterProxy.Core.Text.PrivateFiles.Tighten(snapshot.Settings.DataDirectory);
        var holder = new PolicySnapshotHolder(snapshot);
        ILoggerFactory loggers = EventStack.CreateLoggers();
        var keywords = new KeywordSource(loggers.CreateLogger<KeywordSource>());
        EventStack events = await EventStack.CreateAsync(holder, keywords, http, time, loggers);
        var shared = new SharedPolicySource();
        if (await shared.FetchAsync((RedisEventStore)events.Store))
        {
            holder.Swap(await loader.LoadAsync(path, environment, snapshot.Lists, null, cancellationToken, shared.Json));
        }

        WebApplicationBuilder builder = CommonServices.CreateWebBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        ListenOptions? listener = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1 << 20;
            k.Listen(snapshot.Settings.ListenAddress, snapshot.Settings.AdminPort, listen => listener = listen);
        });
        builder.Services.AddPolicyEventsAndAdmin(time, context, http, loader, holder, events, shared);

        WebApplication app = builder.Build();
        app.UseMiddleware<ClientAccessMiddleware>();
        app.UseFilterProxyAdminUi();
        app.MapFilterProxyAdmin();
        app.MapFilterProxyAdminUi();
        await app.StartAsync(cancellationToken);

        IPEndPoint endPoint = listener!.IPEndPoint!;
        var uri = new Uri($"http://{(endPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endPoint.Address)}:{endPoint.Port}/");
        await banner.WriteLineAsync($"FilterProxy admin UI on its own: {uri} against {events.Store.Description}; policy changes are published to every gateway");
        var accounts = app.Services.GetRequiredService<FilterProxy.Admin.Accounts.AdminAccountStore>();
        if (accounts.NeedsSetup)
        {
            await banner.WriteLineAsync($"  first run: open {new Uri(uri, "/setup")} and create the administrator with the code in {accounts.SetupCodePath}");
        }

        return new AdminApp(app, events, uri);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _events.DisposeAsync();
    }
}
