using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;
using FilterProxy.Identity.Accounts;
using FilterProxy.Identity.Directory;

namespace FilterProxy.Identity;

/// <summary>
/// Keeps identity current: re-reads lease and people files when they change (checked every two seconds: dhcpd and
/// Kea rewrite their files, editors replace them) or when a policy reload changes the identity settings, and pulls
/// the store's session bindings every <see cref="IdentitySettings.SessionSync"/> so bindings made on other nodes apply here.
/// </summary>
internal sealed class IdentityWatcher(IdentityStack identity, PolicySnapshotHolder policy, TimeProvider time, ILogger<IdentityWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IdentitySettings settings = policy.Current.Identity;
        Dictionary<string, DateTime> stamps = Stamps(settings);
        Report(identity.Resolver.Directory);
        DateTimeOffset nextSync = time.GetUtcNow() + settings.SessionSync;
        using var timer = new PeriodicTimer(s_poll, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            PolicySnapshot snapshot = policy.Current;
            Dictionary<string, DateTime> now = Stamps(snapshot.Identity);
            if (!ReferenceEquals(snapshot.Identity, settings) || !SameStamps(now, stamps))
            {
                settings = snapshot.Identity;
                stamps = now;
                IdentityDirectory directory = IdentityStack.Load(snapshot, time);
                identity.Resolver.Swap(directory);
                identity.SignIn.Reconfigure(new LocalAccounts(settings.Accounts), settings.Ldap is null ? null : new LdapDirectory(settings.Ldap));
                Report(directory);
            }

            if (time.GetUtcNow() >= nextSync)
            {
                nextSync = time.GetUtcNow() + settings.SessionSync;
                try
                {
                    await identity.Sessions.SyncAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    IdentityLog.SyncFailed(logger, ex.Message);
                }
            }
        }
    }

    private void Report(IdentityDirectory directory)
    {
        if (directory.Settings.Devices.Count + directory.Settings.Leases.Count + directory.Settings.PeopleFiles.Count == 0)
        {
            return;
        }

        IdentityLog.Loaded(logger, directory.DeviceCount, directory.LeaseCount, directory.PeopleCount, directory.Problems.Count);
        foreach (string problem in directory.Problems.Take(20))
        {
            IdentityLog.FileProblem(logger, problem);
        }
    }

    private static Dictionary<string, DateTime> Stamps(IdentitySettings settings)
    {
        var stamps = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (string file in settings.Leases.Select(static l => l.Path).Concat(settings.PeopleFiles))
        {
            var info = new FileInfo(file);
            stamps[file] = info.Exists ? info.LastWriteTimeUtc.AddTicks(info.Length) : DateTime.MinValue;
        }

        return stamps;
    }

    private static bool SameStamps(Dictionary<string, DateTime> a, Dictionary<string, DateTime> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out DateTime t) && t == kv.Value);
}
