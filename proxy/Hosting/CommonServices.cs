using FilterProxy.Admin;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Health;
using FilterProxy.Core.Policy;
using FilterProxy.Events;

namespace FilterProxy.Hosting;

/// <summary>What the gateway and the admin UI on its own both host: the policy and its reloading, the event store and alerts, the admin UI.</summary>
internal static class CommonServices
{
    /// <summary>
    /// The web host both run on. FilterProxy reads its own configuration, never appsettings.json, so nothing is
    /// watched: by default the host roots itself at the working directory and watches it with every directory
    /// beneath for appsettings changes — 12,362 inotify watches when started in /tmp (measured), an event for every
    /// write of the event store when the data directory sits below it (as `dotnet run --project proxy` puts it),
    /// and a start-up failure where the system's watch limit is low.
    /// </summary>
    public static WebApplicationBuilder CreateWebBuilder() => WebApplication.CreateSlimBuilder(new WebApplicationOptions
    {
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
        ContentRootPath = AppContext.BaseDirectory,
    });

    public static IServiceCollection AddPolicyEventsAndAdmin(this IServiceCollection services, TimeProvider time, GatewayContext context, HttpClient http, PolicyLoader loader,
        PolicySnapshotHolder holder, EventStack events, SharedPolicySource shared)
    {
        services.AddSingleton(time);
        services.AddSingleton(context);
        services.AddSingleton(http);
        services.AddSingleton(loader);
        services.AddSingleton(holder);
        services.AddSingleton<PolicyEvaluator>();
        services.AddSingleton<PolicyReloader>();
        services.AddHostedService<ConfigWatcher>();
        services.AddSingleton(events);
        services.AddSingleton(events.Store);
        services.AddSingleton(events.Alerts);
        services.AddSingleton(events.Feed);
        services.AddSingleton(shared);
        services.AddHostedService<SharedPolicySubscriber>();
        services.AddSingleton(new FilterProxy.Events.Nodes.NodeBoard(events.Store));
        services.AddSingleton<IHealthReporter, EventHealth>();
        services.AddSingleton<IHealthReporter, RuntimeHealth>();
        services.AddSingleton<IPolicyAdmin, GatewayPolicyAdmin>();
        services.AddFilterProxyAdminUi(new AdminOptions
        {
            Directory = GatewayApp.AdminDirectory(holder.Current.Settings.DataDirectory),
            PasswordIterations = GatewayApp.AdminPasswordIterations(context.Environment),
        });
        return services;
    }
}
