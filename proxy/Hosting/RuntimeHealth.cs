using System.Runtime;
using FilterProxy.Core.Health;

namespace FilterProxy.Hosting;

/// <summary>
/// The .NET runtime's own figures for /healthz: garbage collections and the time they paused the gateway, heap size,
/// JIT work and thread-pool backlog. What a technician (or a benchmark) reads first when answers are slow now and then.
/// </summary>
internal sealed class RuntimeHealth : IHealthReporter
{
    public string Name => "runtime";

    public bool Healthy => true;

    public object Report()
    {
        GCMemoryInfo last = GC.GetGCMemoryInfo(GCKind.Any);
        return new
        {
            gcCollections = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) },
            gcPauseMs = Math.Round(GC.GetTotalPauseDuration().TotalMilliseconds, 1),
            gcLastPauseMs = last.PauseDurations.Length > 0 ? Math.Round(last.PauseDurations[0].TotalMilliseconds, 2) : 0,
            gcLastGeneration = last.Generation,
            gcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
            gcAllocatedBytes = GC.GetTotalAllocatedBytes(precise: false),
            gcServer = GCSettings.IsServerGC,
            jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(),
            jitMs = Math.Round(System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds, 1),
            threadPoolThreads = ThreadPool.ThreadCount,
            threadPoolPending = ThreadPool.PendingWorkItemCount,
        };
    }
}
