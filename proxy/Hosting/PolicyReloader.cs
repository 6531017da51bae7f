using System.Diagnostics;
using System.Security.Cryptography;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;

namespace FilterProxy.Hosting;

/// <summary>
/// Builds a new snapshot and swaps it in; an invalid configuration keeps the last good snapshot and
/// says why. One reload at a time.
/// </summary>
internal sealed class PolicyReloader(PolicySnapshotHolder holder, PolicyLoader loader, GatewayContext context, SharedPolicySource shared, EventStack events, TimeProvider time, ILogger<PolicyReloader> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The errors of the last rejected reload (empty after a good one): for health and tests.</summary>
    public IReadOnlyList<ConfigError> LastErrors { get; private set; } = [];

    public async Task<bool> ReloadAsync(string trigger, bool refreshLists, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            PolicySnapshot previous = holder.Current;
            var watch = Stopwatch.StartNew();
            PolicySnapshot next = await loader.LoadAsync(context.ConfigPath, context.Environment, refreshLists ? null : previous.Lists, null, cancellationToken, shared.Json);
            GatewaySettings a = next.Settings;
            GatewaySettings b = previous.Settings;
            if (!a.ListenAddress.Equals(b.ListenAddress) || a.ProxyPort != b.ProxyPort || a.DnsPort != b.DnsPort || a.AdminPort != b.AdminPort
                || a.TransparentHttpPort != b.TransparentHttpPort || a.TransparentHttpsPort != b.TransparentHttpsPort || a.Dns.DohPort != b.Dns.DohPort)
            {
                Log.ListenChanged(logger);
            }

            holder.Swap(next);
            LastErrors = [];
            if (!ReferenceEquals(next.Lists, previous.Lists))
            {
                ReleaseListBuildMemory();
            }

            Report(logger, next, trigger, watch.ElapsedMilliseconds);
            await AuditAsync(events.Store, context, shared, next, trigger, time, logger);
            return true;
        }
        catch (ConfigException ex)
        {
            LastErrors = ex.Errors;
            Log.ReloadRejected(logger, trigger, holder.Current.Version, ex.Errors.Count);
            foreach (ConfigError error in ex.Errors)
            {
                Log.ConfigError(logger, error.ToString());
            }

            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fail safe: whatever went wrong, the last good policy keeps filtering.
            Log.ReloadFailed(logger, ex, trigger);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reading lists leaves large transient buffers behind (builder tables, line buffers). One aggressive,
    /// compacting collection after a (re)build gives that memory back to the OS instead of keeping it in RSS.
    /// </summary>
    public static void ReleaseListBuildMemory()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Every policy that takes effect goes into the audit trail: what triggered it and a hash of what it was built from.</summary>
    public static async Task AuditAsync(IEventStore store, GatewayContext context, SharedPolicySource shared, PolicySnapshot snapshot, string trigger, TimeProvider time, ILogger logger)
    {
        try
        {
            string file = context.ConfigPath is not null && File.Exists(context.ConfigPath)
                ? Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(context.ConfigPath))) : "none";
            string sharedHash = shared.Json is null ? "none" : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(shared.Json)));
            await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), $"node:{snapshot.Settings.Events.NodeId}", "policy.load", context.ConfigPath ?? "built-in defaults",
                $"{trigger}; policy version {snapshot.Version}; file sha256 {file}; shared policy v{shared.Version} sha256 {sharedHash}"), CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.AuditFailed(logger, ex);
        }
    }

    public static void Report(ILogger logger, PolicySnapshot snapshot, string trigger, long milliseconds)
    {
        Log.PolicyLoaded(logger, snapshot.Version, trigger, snapshot.Profiles.Count, snapshot.Lists.Domains.Count, snapshot.Lists.Urls.Count, milliseconds);
        foreach (ListReport r in snapshot.Lists.Reports)
        {
            if (r.Error is not null)
            {
                Log.ListStale(logger, r.Name, r.Error);
            }

            if (r.Rejected > 0)
            {
                Log.ListRejectedLines(logger, r.Name, r.Rejected);
            }
        }
    }
}
