using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using FilterProxy.Admin.Api;
using FilterProxy.Core.Events;
using FilterProxy.Core.Health;
using FilterProxy.Dns;
using FilterProxy.Dns.Cache;
using FilterProxy.Dns.Server;
using FilterProxy.Events;
using FilterProxy.Tls;
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

    private GatewayApp(WebApplication app, Uri adminUri, Uri? dohUri)
    {
        _app = app;
        AdminUri = adminUri;
        DohUri = dohUri;
    }

    public Uri AdminUri { get; }

    /// <summary>The DNS-over-HTTPS URL, or null when dohPort is off.</summary>
    public Uri? DohUri { get; }

    /// <summary>The DNS server's UDP/TCP endpoint.</summary>
    public System.Net.IPEndPoint DnsEndPoint => _app.Services.GetRequiredService<DnsServerService>().EndPoint!;

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
        PolicyReloader.ReleaseListBuildMemory();
        Directory.CreateDirectory(snapshot.Settings.DataDirectory);
        SchoolCertificateAuthority ca = SchoolCertificateAuthority.LoadOrCreate(snapshot.Settings.DataDirectory, time);
        DnsSettings dns = snapshot.Settings.Dns;
        X509Certificate2? dohCertificate = dns.DohPort is null ? null : ca.IssueServerCertificate(
            [.. dns.DohHostNames, Environment.MachineName],
            snapshot.Settings.ListenAddress.Equals(IPAddress.Any) || snapshot.Settings.ListenAddress.Equals(IPAddress.IPv6Any)
                ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
                : [snapshot.Settings.ListenAddress],
            time);

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
            if (dohCertificate is not null)
            {
                k.Listen(snapshot.Settings.ListenAddress, dns.DohPort!.Value, listen => listen.UseHttps(dohCertificate));
            }
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
        builder.Services.AddSingleton(ca);
        builder.Services.AddSingleton<EventPipeline>();
        builder.Services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<EventPipeline>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventPipeline>());
        builder.Services.AddSingleton<DnsCache>();
        builder.Services.AddSingleton<DnsRateLimiter>();
        builder.Services.AddSingleton(sp => new DnsUpstreams(time));
        builder.Services.AddSingleton<DnsResolver>();
        builder.Services.AddSingleton<DnsServerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DnsServerService>());
        builder.Services.AddSingleton<IHealthReporter, DnsHealth>();
        builder.Services.AddSingleton<IHealthReporter, EventHealth>();

        WebApplication app = builder.Build();
        app.UseMiddleware<ClientAccessMiddleware>();
        app.MapFilterProxyAdmin();
        DohEndpoint.Map(app);
        app.MapGet("/school-ca.crt", (SchoolCertificateAuthority authority) => Results.Text(authority.CertificatePem, "application/x-pem-file"));
        await app.StartAsync(cancellationToken);

        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FilterProxy");
        PolicyReloader.Report(logger, holder.Current, "start", loadMilliseconds);
        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        string address = addresses.First(static a => a.StartsWith("http:", StringComparison.Ordinal));
        string? doh = addresses.FirstOrDefault(static a => a.StartsWith("https:", StringComparison.Ordinal));
        var adminUri = new Uri(Local(address));
        Uri? dohUri = doh is null ? null : new Uri(Local(doh) + DohEndpoint.Path);
        IPEndPoint dnsEndPoint = app.Services.GetRequiredService<DnsServerService>().EndPoint!;
        await StartupBanner.WriteAsync(banner, holder.Current, path, address, adminUri, dnsEndPoint, dohUri, ca.CertificatePath, loadMilliseconds);
        return new GatewayApp(app, adminUri, dohUri);
    }

    private static string Local(string address) =>
        address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal);

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
