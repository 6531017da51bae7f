using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;

namespace FilterProxy.Benchmarks.Policy;

/// <summary>Building the snapshot from 20 list files holding 2,000,000 lines (parse, normalise, hash, index).</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class BuildBenchmarks
{
    private string _config = null!;

    [GlobalSetup]
    public void Setup()
    {
        _config = SyntheticLists.WriteConfig2M();
    }

    [Benchmark(Description = "build snapshot from 2M list lines")]
    public int Build()
    {
        PolicySnapshot s = new PolicyLoader(null, TimeProvider.System).LoadAsync(_config, new Dictionary<string, string>()).GetAwaiter().GetResult();
        return s.Lists.Domains.Count;
    }
}
