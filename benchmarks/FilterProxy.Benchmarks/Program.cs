using System.Diagnostics;
using BenchmarkDotNet.Running;
using FilterProxy.Benchmarks.Policy;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;

// `memory`: bytes per listed domain in a loaded 2M-domain snapshot (a measurement, not a timing).
// Anything else goes to BenchmarkDotNet, e.g. `--filter *Evaluate*`.
if (args.Length > 0 && args[0] == "memory")
{
    string config = SyntheticLists.WriteConfig2M();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    long before = GC.GetTotalMemory(forceFullCollection: true);
    var watch = Stopwatch.StartNew();
    PolicySnapshot snapshot = await new PolicyLoader(null, TimeProvider.System).LoadAsync(config, new Dictionary<string, string>());
    long elapsed = watch.ElapsedMilliseconds;
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    long after = GC.GetTotalMemory(forceFullCollection: true);
    int domains = snapshot.Lists.Domains.Count;
    Console.WriteLine($"listed domains:           {domains:N0} (from {SyntheticLists.TotalDomains:N0} lines; duplicates merged)");
    Console.WriteLine($"snapshot build:           {elapsed:N0} ms (first build in this process, includes JIT)");
    Console.WriteLine($"managed heap growth:      {(after - before) / (1024.0 * 1024):N1} MiB = {(double)(after - before) / domains:N1} bytes per domain");
    Console.WriteLine($"domain set arrays:        {snapshot.Lists.MemoryBytes / (1024.0 * 1024):N1} MiB = {(double)snapshot.Lists.MemoryBytes / domains:N1} bytes per domain");
    GC.KeepAlive(snapshot);
    return 0;
}

// `ingest <sqlite:path|redis:host:port> N` and `timeline <store> N`: sustained event ingest and per-user timeline
// queries (measurements over a real store; see benchmarks/load/events-bench.sh).
if (args.Length > 0 && args[0] is "ingest" or "store" or "timeline")
{
    return await FilterProxy.Benchmarks.Events.EventStoreLoad.RunAsync(args);
}

// `stream-latency`: per-piece cost of the streaming content check, p50/p99/slowest (see Classifier/StreamLatency.cs).
if (args.Length > 0 && args[0] == "stream-latency")
{
    return FilterProxy.Benchmarks.Classifier.StreamLatency.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(EvaluateBenchmarks).Assembly).Run(args);
return 0;
