using System.Text;
using BenchmarkDotNet.Attributes;
using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Model;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Benchmarks.Classifier;

/// <summary>
/// The content check as a response streams (what the proxy runs on every piece of a server-sent AI answer, and on
/// a page past its judged prefix): a 2 MB page of the proxy benchmark's prose read in 16 KB pieces, and an
/// OpenAI-style SSE answer arriving one token per event. MB/s per core = size ÷ the mean. The whole-page check
/// on the same text (the model reading all of it) is the baseline.
/// </summary>
[MemoryDiagnoser]
public class StreamingCheckBenchmarks
{
    private ContentClassifier _classifier = null!;
    private ContentClassifier _wholeText = null!;
    private CategorySet _blocked;
    private double _threshold;
    private byte[] _page = [];
    private byte[][] _events = [];

    /// <summary>Bytes of the SSE answer (for MB/s).</summary>
    public static int SseBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _classifier = ShippedModels.ContentClassifier();
        _wholeText = new ContentClassifier(ShippedModels.Content, FilterProxy.Classifier.Phrases.PhraseList.BuiltIn(), modelTextLimit: int.MaxValue);
        (_blocked, _threshold) = ModelTraining.Profile("nursery-ks1");
        _page = Page(2 * 1024 * 1024);
        _events = SseAnswer(64 * 1024);
        SseBytes = _events.Sum(static e => e.Length);
        if (Html2MB_16KPieces() || SseAnswer_TokenEvents())
        {
            throw new InvalidOperationException("the benchmark's harmless streams were stopped");
        }
    }

    /// <summary>Baseline: the same 2 MB page judged whole, the model reading all of its text.</summary>
    [Benchmark(Baseline = true)]
    public int WholePage2MB() => _wholeText.ClassifyAsync(new ContentSample(ContentKind.Html, _page, "utf-8", "bench.test"), default).Result.Scores.Count;

    [Benchmark]
    public bool Html2MB_16KPieces() => Run(ContentKind.Html, [_page], 16 * 1024);

    [Benchmark]
    public bool SseAnswer_TokenEvents() => Run(ContentKind.EventStream, _events, int.MaxValue);

    private bool Run(ContentKind kind, byte[][] bodies, int piece)
    {
        using IContentStream stream = _classifier.OpenStream(kind, "utf-8", "bench.test", _blocked, _threshold);
        foreach (byte[] body in bodies)
        {
            for (int i = 0; i < body.Length; i += piece)
            {
                if (stream.Write(body.AsSpan(i, Math.Min(piece, body.Length - i))) is not null)
                {
                    return true;
                }
            }
        }

        return stream.Complete() is not null;
    }

    /// <summary>The proxy benchmark's 100 KB page repeated to <paramref name="size"/> bytes.</summary>
    internal static byte[] Page(int size)
    {
        string page = ContentCheckBenchmarks.Page100K();
        string body = page[(page.IndexOf("<body>", StringComparison.Ordinal) + 6)..page.LastIndexOf("</body>", StringComparison.Ordinal)];
        var sb = new StringBuilder("<!doctype html><html><head><title>Long</title></head><body>");
        while (sb.Length < size)
        {
            sb.Append(body);
        }

        return Encoding.UTF8.GetBytes(sb.Append("</body></html>").ToString());
    }

    /// <summary>The page's prose as an OpenAI-style SSE answer, one event per token, to about <paramref name="textChars"/> characters.</summary>
    internal static byte[][] SseAnswer(int textChars)
    {
        string text = FilterProxy.Classifier.Extraction.TextExtractor.FromHtml(Encoding.UTF8.GetString(Page(textChars * 2)))[..textChars];
        var events = new List<byte[]>();
        for (int i = 0; i < text.Length; i += 4)
        {
            string token = System.Text.Json.JsonSerializer.Serialize(text.Substring(i, Math.Min(4, text.Length - i)));
            events.Add(Encoding.UTF8.GetBytes($"data: {{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{token}}}}}]}}\n\n"));
        }

        return [.. events];
    }
}
