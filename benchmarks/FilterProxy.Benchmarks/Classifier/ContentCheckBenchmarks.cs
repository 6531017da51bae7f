using System.Text;
using BenchmarkDotNet.Attributes;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Core.Content;

namespace FilterProxy.Benchmarks.Classifier;

/// <summary>
/// The content check on a page the size of the proxy benchmark's (about 100 KB of real HTML prose): text
/// extraction plus weighted-phrase scoring, the work added to each scanned HTML response.
/// </summary>
[MemoryDiagnoser]
public class ContentCheckBenchmarks
{
    private WeightedPhraseClassifier _classifier = null!;
    private ContentSample _page;
    private ContentSample _gambling;

    [GlobalSetup]
    public void Setup()
    {
        _classifier = new WeightedPhraseClassifier(PhraseList.BuiltIn());
        _page = new ContentSample(ContentKind.Html, Encoding.UTF8.GetBytes(Page100K()), "utf-8", "bench.test");
        _gambling = new ContentSample(ContentKind.Html, Encoding.UTF8.GetBytes(Page100K() + "<p>online casino free spins deposit bonus roulette</p>"), "utf-8", "bench.test");
        if (_classifier.ClassifyAsync(_page, default).Result.Scores.Count != 0 || _classifier.ClassifyAsync(_gambling, default).Result.Scores.Count == 0)
        {
            throw new InvalidOperationException("the benchmark pages do not score as expected");
        }
    }

    [Benchmark(Baseline = true)]
    public int CleanPage100K() => _classifier.ClassifyAsync(_page, default).Result.Scores.Count;

    [Benchmark]
    public int GamblingPage100K() => _classifier.ClassifyAsync(_gambling, default).Result.Scores.Count;

    /// <summary>The bench harness's page if it was generated here, else comparable prose in the same markup.</summary>
    internal static string Page100K()
    {
        const string harness = "/tmp/filterproxy-bench-proxy/www/page100k.html";
        if (File.Exists(harness))
        {
            return File.ReadAllText(harness);
        }

        var sb = new StringBuilder("<!doctype html><html><head><title>Licence texts</title><style>p{margin:0}</style></head><body>");
        var random = new Random(7);
        string[] words = ["the", "licence", "software", "copy", "distribute", "modify", "terms", "conditions", "warranty", "program", "source", "code", "free", "public", "general", "author", "rights", "notice", "work", "permission"];
        while (sb.Length < 100_000)
        {
            sb.Append("<p>");
            for (int i = 0; i < 60; i++)
            {
                sb.Append(words[random.Next(words.Length)]).Append(i % 12 == 11 ? ". " : " ");
            }

            sb.Append("</p>\n");
        }

        return sb.Append("</body></html>").ToString();
    }
}
