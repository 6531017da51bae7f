using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using FilterProxy.Admin;
using FilterProxy.Admin.Api;
using FilterProxy.Core.Events;
using FilterProxy.Core.Health;
using FilterProxy.Dns;
using FilterProxy.Dns.Cache;
using FilterProxy.Dns.Server;
using FilterProxy.Events;
using FilterProxy.Http;
using FilterProxy.Http.Destinations;
using FilterProxy.Identity;
using FilterProxy.Metrics;
using FilterProxy.Tls;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FilterProxy.Hosting;

/// <summary>
/// The running gateway: loads and validates the policy (refusing to start on an invalid configuration),
/// then hosts the admin API on Kestrel, watches the configuration and refreshes lists.
/// </summary>
internal sealed class GatewayApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayApp(WebApplication app, Uri adminUri, Uri? dohUri, IReadOnlyList<IPEndPoint> proxyEndPoints)
    {
        _app = app;
        AdminUri = adminUri;
        DohUri = dohUri;
        ProxyEndPoint = Loopback(proxyEndPoints[0]);
        TransparentEndPoints = proxyEndPoints.Skip(1).Select(Loopback).ToArray();
    }

    public Uri AdminUri { get; }

    /// <summary>The explicit proxy's endpoint (loopback when listening on any address).</summary>
    public IPEndPoint ProxyEndPoint { get; }

    /// <summary>The transparent HTTP and HTTPS listeners, in that order, when configured.</summary>
    public IReadOnlyList<IPEndPoint> TransparentEndPoints { get; }

    /// <summary>The DNS-over-HTTPS URL, or null when dohPort is off.</summary>
    public Uri? DohUri { get; }

    /// <summary>The DNS server's UDP/TCP endpoint.</summary>
    public System.Net.IPEndPoint DnsEndPoint => _app.Services.GetRequiredService<DnsServerService>().EndPoint!;

    public IServiceProvider Services => _app.Services;

    /// <param name="logs">Another place for the host's log lines besides the console (tests read what was logged).</param>
    public static async Task<GatewayApp> StartAsync(string? configPath, IReadOnlyDictionary<string, string> environment, TextWriter banner, CancellationToken cancellationToken,
        ILoggerProvider? logs = null)
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
        // Personal data lives here: owner-only, and whatever an older version left readable is tightened.
        FilterProxy.Core.Text.PrivateFiles.CreateDirectory(snapshot.Settings.DataDirectory);
        FilterProxy.Core.Text.PrivateFiles.Tighten(snapshot.Settings.DataDirectory);
        var holder = new PolicySnapshotHolder(snapshot);
        ILoggerFactory eventLoggers = EventStack.CreateLoggers();
        var keywords = new KeywordSource(eventLoggers.CreateLogger<KeywordSource>(), FilterProxy.Admin.Keywords.SchoolKeywords.FilePath(AdminDirectory(snapshot.Settings.DataDirectory)));
        EventStack events = await EventStack.CreateAsync(holder, keywords, http, time, eventLoggers);
        var shared = new SharedPolicySource();
        if (snapshot.Settings.Events.SharedPolicy && events.Store is FilterProxy.Events.Stores.Redis.RedisEventStore redis && await shared.FetchAsync(redis))
        {
            // The central policy applies over this node's file from the first moment.
            snapshot = await loader.LoadAsync(path, environment, snapshot.Lists, null, cancellationToken, shared.Json);
            holder.Swap(snapshot);
        }

        else if (!snapshot.Settings.Events.SharedPolicy && File.Exists(GatewayPolicyAdmin.FilePath(snapshot.Settings.DataDirectory)))
        {
            // This node's policy edits from the admin UI, over the file.
            shared.SetLocal(await File.ReadAllTextAsync(GatewayPolicyAdmin.FilePath(snapshot.Settings.DataDirectory), cancellationToken));
            snapshot = await loader.LoadAsync(path, environment, snapshot.Lists, null, cancellationToken, shared.Json);
            holder.Swap(snapshot);
        }

        IdentityStack identity = await IdentityStack.CreateAsync(holder, events.Store, time);
        await PolicyReloader.AuditAsync(events.Store, context, shared, snapshot, "start", time, eventLoggers.CreateLogger("FilterProxy"));
        SchoolCertificateAuthority ca = SchoolCertificateAuthority.LoadOrCreate(snapshot.Settings.DataDirectory, time);
        DnsSettings dns = snapshot.Settings.Dns;
        X509Certificate2? dohCertificate = dns.DohPort is null ? null : ca.IssueServerCertificate(
            [.. dns.DohHostNames, Environment.MachineName],
            snapshot.Settings.ListenAddress.Equals(IPAddress.Any) || snapshot.Settings.ListenAddress.Equals(IPAddress.IPv6Any)
                ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
                : [snapshot.Settings.ListenAddress],
            time);

        WebApplicationBuilder builder = CommonServices.CreateWebBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        ListenOptions? adminListener = null;
        List<ListenOptions> proxyListeners = [];
        // Kestrel runs request code on its socket threads (no hop through the thread pool): all of it is non-blocking,
        // and the content check yields to the pool before it reads a page (see ContentInspector).
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Secure defaults, Kestrel's own kept (32 KB of request headers, 100 headers, 30 s to send them, minimum body
            // data rates against slow clients); the admin port takes small bodies only (proxied requests lift this per request).
            k.AddServerHeader = false;
            k.AllowHostHeaderOverride = true;
            k.Limits.MaxRequestBodySize = 1 << 20;
            k.Listen(snapshot.Settings.ListenAddress, snapshot.Settings.AdminPort, listen => adminListener = listen);
            if (dohCertificate is not null)
            {
                k.Listen(snapshot.Settings.ListenAddress, dns.DohPort!.Value, listen => listen.UseHttps(dohCertificate));
            }

            proxyListeners = ProxyHosting.Listen(k, snapshot.Settings);
        });
        builder.Services.AddPolicyEventsAndAdmin(time, context, http, loader, holder, events, shared);
        builder.Services.AddHostedService<ListRefreshService>();
        builder.Services.AddSingleton(ca);
        builder.Services.AddSingleton(events.Pipeline);
        builder.Services.AddSingleton(keywords);
        builder.Services.AddSingleton<IEventSink>(events.Pipeline);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton<RequestIdentifier>();
        builder.Services.AddSingleton<PortalPages>();
        builder.Services.AddHostedService<IdentityWatcher>();
        builder.Services.AddSingleton<EventServices>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventServices>());
        builder.Services.AddHostedService<NodeHeartbeat>();
        builder.Services.AddSingleton<DnsCache>();
        builder.Services.AddSingleton<DnsRateLimiter>();
        builder.Services.AddSingleton(sp => new DnsUpstreams(time));
        builder.Services.AddSingleton<DnsResolver>();
        builder.Services.AddSingleton(sp => new DnsRepeats(events.Pipeline, sp.GetRequiredService<PolicySnapshotHolder>(), time, sp.GetRequiredService<FilterProxy.Metrics.GatewayMetrics>()));
        builder.Services.AddSingleton<DnsServerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DnsServerService>());
        builder.Services.AddSingleton<IHealthReporter, DnsHealth>();
        builder.Services.AddSingleton<IHealthReporter, CertificateHealth>();
        builder.Services.AddFilterProxyHttp(snapshot.Settings.Http);
        builder.Services.AddFilterProxyMetrics(snapshot.Settings);

        WebApplication app = builder.Build();
        app.UseFilterProxyHttp(); // proxy connections were checked against allowedClients when they connected
        app.UseMiddleware<ClientAccessMiddleware>();
        app.UseFilterProxyAdminUi();
        app.MapFilterProxyAdmin();
        app.MapFilterProxyAdminUi();
        DohEndpoint.Map(app);
        app.MapFilterProxyMetrics(snapshot.Settings.Metrics);
        app.MapGet("/school-ca.crt", (SchoolCertificateAuthority authority) => Results.Text(authority.CertificatePem, "application/x-pem-file")).AllowAnonymous();
        app.MapGet("/ca", (SchoolCertificateAuthority authority) => Results.Content(CertificatePage.Html(authority), "text/html; charset=utf-8")).AllowAnonymous();
        app.MapGet("/proxy.pac", (HttpContext context, PolicySnapshotHolder policy) => Results.Text(
            ProxyAutoConfig.Script(context.Request.Host.Host, proxyListeners[0].IPEndPoint!.Port), "application/x-ns-proxy-autoconfig")).AllowAnonymous();
        await app.StartAsync(cancellationToken);

        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FilterProxy");
        PolicyReloader.Report(logger, holder.Current, "start", loadMilliseconds);
        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        IPEndPoint admin = adminListener!.IPEndPoint!;
        string address = $"http://{(admin.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{admin.Address}]" : admin.Address)}:{admin.Port}";
        string? doh = addresses.FirstOrDefault(static a => a.StartsWith("https:", StringComparison.Ordinal));
        var adminUri = new Uri(Local(address));
        IPEndPoint[] proxyEndPoints = [.. proxyListeners.Select(static l => l.IPEndPoint!)];
        Uri? dohUri = doh is null ? null : new Uri(Local(doh) + DohEndpoint.Path);
        IPEndPoint dnsEndPoint = app.Services.GetRequiredService<DnsServerService>().EndPoint!;
        // The proxy never connects to these on this machine: a loop, or a pupil's way into the admin UI.
        app.Services.GetRequiredService<GatewayAddresses>().SetPorts(
            [.. proxyEndPoints.Select(static e => e.Port), admin.Port, dnsEndPoint.Port, dohUri?.Port ?? 0]);
        await StartupBanner.WriteAsync(banner, holder.Current, path, address, adminUri, dnsEndPoint, dohUri, ca.CertificatePath, loadMilliseconds, proxyEndPoints, events,
            AdminAccounts(app.Services));
        return new GatewayApp(app, adminUri, dohUri, proxyEndPoints);
    }

    /// <summary>The admin accounts, or the reason they cannot be read (a damaged file): the filter keeps running, the UI reports it.</summary>
    private static (FilterProxy.Admin.Accounts.AdminAccountStore? Store, string? Error) AdminAccounts(IServiceProvider services)
    {
        try
        {
            return (services.GetRequiredService<FilterProxy.Admin.Accounts.AdminAccountStore>(), null);
        }
        catch (InvalidDataException ex)
        {
            return (null, ex.Message);
        }
    }

    public static string AdminDirectory(string dataDirectory) => Path.Combine(dataDirectory, "admin");

    /// <summary>Admin password hashing cost: the full 210,000 iterations unless a test lowers it (FILTERPROXY_TEST_ADMIN_ITERATIONS).</summary>
    public static int AdminPasswordIterations(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue("FILTERPROXY_TEST_ADMIN_ITERATIONS", out string? text) && int.TryParse(text, out int n) && n >= 1_000 ? n : FilterProxy.Identity.Accounts.PasswordHasher.DefaultIterations;

    private static IPEndPoint Loopback(IPEndPoint endPoint) =>
        endPoint.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, endPoint.Port)
        : endPoint.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, endPoint.Port)
        : endPoint;

    private static string Local(string address) =>
        address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal);

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        EventStack events = _app.Services.GetRequiredService<EventStack>();
        IdentityStack identity = _app.Services.GetRequiredService<IdentityStack>();
        await _app.DisposeAsync();
        await identity.DisposeAsync();
        await events.DisposeAsync(); // after the pipeline has drained
    }
}
