using System.Text;
using BenchmarkDotNet.Attributes;
using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Extraction;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Core.Content;

namespace FilterProxy.Benchmarks.Classifier;

/// <summary>
/// The content check on a page the size of the proxy benchmark's (about 100 KB of real HTML prose): text
/// extraction, normalisation, hashed n-gram features and scoring of every category by the shipped model plus the
/// phrase lists — the work added to each scanned HTML response. The phrase lists alone are the baseline (what the
/// proxy did before the model). MB/s per core = 0.1 MB ÷ the mean.
/// </summary>
[MemoryDiagnoser]
public class ContentCheckBenchmarks
{
    private WeightedPhraseClassifier _phrases = null!;
    private ContentClassifier _model = null!;
    private ContentClassifier _wholeText = null!;
    private ContentSample _page;
    private ContentSample _gambling;
    private ContentSample _text1K;

    [GlobalSetup]
    public void Setup()
    {
        _phrases = new WeightedPhraseClassifier(PhraseList.BuiltIn());
        _model = ShippedModels.ContentClassifier();
        _wholeText = new ContentClassifier(ShippedModels.Content, PhraseList.BuiltIn(), modelTextLimit: int.MaxValue);
        _text1K = new ContentSample(ContentKind.Text, Encoding.UTF8.GetBytes(Page100K()[..1024]), "utf-8", "bench.test");
        _page = new ContentSample(ContentKind.Html, Encoding.UTF8.GetBytes(Page100K()), "utf-8", "bench.test");
        // A gambling page of the same size: the same markup with a third of its paragraphs about betting.
        int paragraph = 0;
        string gambling = System.Text.RegularExpressions.Regex.Replace(Page100K(), "<p>", _ => paragraph++ % 3 == 0
            ? "<p>Claim your welcome bonus and free spins at the best online casino; place your bets with the best odds. "
            : "<p>");
        _gambling = new ContentSample(ContentKind.Html, Encoding.UTF8.GetBytes(gambling), "utf-8", "bench.test");
        if (_phrases.ClassifyAsync(_gambling, default).Result.Scores.Count == 0 || _model.ClassifyAsync(_gambling, default).Result.Scores.Count == 0
            || _model.ClassifyAsync(_page, default).Result.Scores.Count != 0)
        {
            throw new InvalidOperationException("the benchmark pages do not score as expected");
        }
    }

    [Benchmark(Baseline = true)]
    public int PhrasesOnly_CleanPage100K() => _phrases.ClassifyAsync(_page, default).Result.Scores.Count;

    /// <summary>What the proxy runs: the model reads the first 32K characters of text, the phrases all of it.</summary>
    [Benchmark]
    public int Model_CleanPage100K() => _model.ClassifyAsync(_page, default).Result.Scores.Count;

    /// <summary>The model over all of the page's text (about 88K characters here).</summary>
    [Benchmark]
    public int ModelWholeText_CleanPage100K() => _wholeText.ClassifyAsync(_page, default).Result.Scores.Count;

    [Benchmark]
    public int Model_GamblingPage100K() => _model.ClassifyAsync(_gambling, default).Result.Scores.Count;

    /// <summary>A 1 KB text/plain response (the proxy benchmark's small file is scanned too).</summary>
    [Benchmark]
    public int Model_Text1K() => _model.ClassifyAsync(_text1K, default).Result.Scores.Count;

    /// <summary>Normalisation alone, over the page's extracted text.</summary>
    [Benchmark]
    public int NormaliseOnly_Page100K()
    {
        using PooledText text = TextExtractor.ExtractPooled(_page);
        (char[] buffer, int length) = TextNormaliser.Default.NormalisePooled(text.Text);
        TextNormaliser.Return(buffer);
        return length;
    }

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
