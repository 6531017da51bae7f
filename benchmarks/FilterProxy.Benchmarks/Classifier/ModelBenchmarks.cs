using BenchmarkDotNet.Attributes;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Search;

namespace FilterProxy.Benchmarks.Classifier;

/// <summary>Loading the shipped content model (target ≤ 200 ms) and scoring one search term.</summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private byte[] _content = null!;
    private SearchRiskScorer _search = null!;

    [GlobalSetup]
    public void Setup()
    {
        using Stream stream = typeof(ShippedModels).Assembly.GetManifestResourceStream(ShippedModels.ContentResource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        _content = copy.ToArray();
        _search = ShippedModels.SearchRisk();
    }

    [Benchmark]
    public int LoadContentModel() => ModelFile.Read(new MemoryStream(_content)).Classes;

    [Benchmark]
    public string ScoreSearchTerm() => _search.Score("best way to unalive myself tonight").Level;
}
