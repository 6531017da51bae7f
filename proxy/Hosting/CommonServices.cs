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
        services.AddSingleton<IPolicyAdmin, GatewayPolicyAdmin>();
        services.AddFilterProxyAdminUi(new AdminOptions
        {
            Directory = GatewayApp.AdminDirectory(holder.Current.Settings.DataDirectory),
            PasswordIterations = GatewayApp.AdminPasswordIterations(context.Environment),
        });
        return services;
    }
}
