using FilterProxy.Admin.Policy;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using FilterProxy.Core.Text;
using FilterProxy.Events;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Hosting;

namespace FilterProxy.Admin;

/// <summary>
/// Makes the admin's policy edits take effect. They are the same kind of document as a multi-site central policy,
/// applied over the configuration file (node-local settings excepted): with <c>events.sharedPolicy</c> on Redis they are
/// published and every node reloads; otherwise they are kept in <c>&lt;data&gt;/admin/policy.json</c> and this node reloads.
/// </summary>
internal sealed class GatewayPolicyAdmin(SharedPolicySource shared, PolicyReloader reloader, GatewayContext context, EventStack events, PolicySnapshotHolder holder) : IPolicyAdmin
{
    public static string FilePath(string dataDirectory) => Path.Combine(dataDirectory, "admin", "policy.json");

    private RedisEventStore? Redis => holder.Current.Settings.Events.SharedPolicy ? events.Store as RedisEventStore : null;

    public string? Overlay => shared.Json;

    public IReadOnlyList<ConfigError> Validate(string overlay) => PolicyCompiler.Check(ConfigLoader.Load(context.ConfigPath, context.Environment, overlay));

    public async Task<IReadOnlyList<ConfigError>> ApplyAsync(string overlay, string reason, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConfigError> errors = Validate(overlay);
        if (errors.Count > 0)
        {
            return errors;
        }

        if (Redis is { } redis)
        {
            await SharedPolicySource.PublishAsync(redis, overlay); // every node (this one included) reloads on the notice
            await shared.FetchAsync(redis);
        }
        else
        {
            AtomicFile.WriteAllText(FilePath(holder.Current.Settings.DataDirectory), overlay, ownerOnly: true);
            shared.SetLocal(overlay);
        }

        return await reloader.ReloadAsync(reason, refreshLists: false, cancellationToken) ? [] : reloader.LastErrors;
    }

    public Task<bool> RefreshListsAsync(string reason, CancellationToken cancellationToken) => reloader.ReloadAsync(reason, refreshLists: true, cancellationToken);
}
