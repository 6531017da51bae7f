using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Events.Stores.Sessions;
using FilterProxy.Identity.Accounts;
using FilterProxy.Identity.Directory;
using FilterProxy.Identity.Sessions;

namespace FilterProxy.Identity;

/// <summary>
/// The gateway's identity parts, composed at start: the session store (Redis when events go to Redis, so every node
/// sees every binding; else <c>sessions.db</c> in the data directory), the session table, the resolver and the
/// sign-in service. <see cref="IdentityWatcher"/> keeps the directory current.
/// </summary>
internal sealed class IdentityStack(ISessionStore store, SessionTable sessions, IdentityResolver resolver, SignInService signIn) : IAsyncDisposable
{
    public ISessionStore Store { get; } = store;
    public SessionTable Sessions { get; } = sessions;
    public IdentityResolver Resolver { get; } = resolver;
    public SignInService SignIn { get; } = signIn;

    public static async Task<IdentityStack> CreateAsync(PolicySnapshotHolder policy, FilterProxy.Core.Events.IEventStore events, TimeProvider time)
    {
        ISessionStore store = events is RedisEventStore redis
            ? new RedisSessionStore(redis.Connection, redis.Prefix)
            : await SqliteSessionStore.OpenAsync(Path.Combine(policy.Current.Settings.DataDirectory, "sessions.db"));
        return await CreateAsync(policy, store, time);
    }

    public static async Task<IdentityStack> CreateAsync(PolicySnapshotHolder policy, ISessionStore store, TimeProvider time)
    {
        PolicySnapshot snapshot = policy.Current;
        var sessions = new SessionTable(store, time);
        try
        {
            await sessions.SyncAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Start without the store's bindings (clients sign in again); the watcher keeps trying.
        }

        var resolver = new IdentityResolver(sessions, time);
        resolver.Swap(Load(snapshot, time));
        IdentitySettings identity = snapshot.Identity;
        var signIn = new SignInService(() => policy.Current.Identity, new LocalAccounts(identity.Accounts),
            identity.Ldap is null ? null : new LdapDirectory(identity.Ldap), time);
        return new IdentityStack(store, sessions, resolver, signIn);
    }

    public static IdentityDirectory Load(PolicySnapshot snapshot, TimeProvider time) =>
        IdentityDirectory.Load(snapshot.Identity, name => snapshot.FindProfile(name)?.Strictness ?? double.MaxValue, time.GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        if (Store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }
}
