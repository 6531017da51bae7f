using System.Diagnostics;
using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Streaming;
using FilterProxy.Core.Content;

namespace FilterProxy.Benchmarks.Classifier;

/// <summary>
/// `stream-latency`: what judging adds to each piece of a long stream, piece by piece (a measurement, not a
/// BenchmarkDotNet run, because the tail is the point): p50, p99 and the slowest over 64 MB of a page in 16 KB
/// pieces and 256K characters of an SSE answer one token per event; throughput; and the memory a stream holds.
/// </summary>
internal static class StreamLatency
{
    public static int Run()
    {
        ContentClassifier classifier = ShippedModels.ContentClassifier();
        (FilterProxy.Core.Categories.CategorySet blocked, double threshold) = ModelTraining.Profile("nursery-ks1");
        byte[] page = StreamingCheckBenchmarks.Page(2 * 1024 * 1024);
        byte[][] events = StreamingCheckBenchmarks.SseAnswer(256 * 1024);

        Measure("HTML page, 16 KB pieces, 64 MB", classifier.OpenStream(ContentKind.Html, "utf-8", "bench.test", blocked, threshold),
            Enumerable.Range(0, 32).SelectMany(_ => Pieces(page, 16 * 1024)));
        Measure("SSE answer, one token per event", classifier.OpenStream(ContentKind.EventStream, null, "bench.test", blocked, threshold), events);

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (IContentStream stream = classifier.OpenStream(ContentKind.EventStream, null, "bench.test", blocked, threshold))
        {
            Console.WriteLine($"memory per stream: {GC.GetAllocatedBytesForCurrentThread() - before:N0} bytes allocated at open, plus a pooled {ContentStream.WindowChars * sizeof(char):N0}-byte window");
        }

        return 0;
    }

    private static IEnumerable<byte[]> Pieces(byte[] body, int size)
    {
        for (int i = 0; i < body.Length; i += size)
        {
            yield return body[i..Math.Min(body.Length, i + size)];
        }
    }

    private static void Measure(string name, IContentStream stream, IEnumerable<byte[]> pieces)
    {
        byte[][] all = [.. pieces];
        var times = new double[all.Length];
        long bytes = 0;
        var total = Stopwatch.StartNew();
        using (stream)
        {
            for (int i = 0; i < all.Length; i++)
            {
                long started = Stopwatch.GetTimestamp();
                if (stream.Write(all[i]) is { } stop)
                {
                    throw new InvalidOperationException($"{name}: a harmless stream was stopped at piece {i}: {stop.Scores[0].Category} {stop.Scores[0].Score:0.00} {string.Join(", ", stop.Scores[0].Evidence)}\n{stream.LastWindow}");
                }

                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                bytes += all[i].Length;
            }

            stream.Complete();
        }

        total.Stop();
        Array.Sort(times);
        Console.WriteLine($"{name}: {all.Length:N0} pieces, {bytes / 1048576.0:N1} MB in {total.Elapsed.TotalMilliseconds:N0} ms = {bytes / 1048576.0 / total.Elapsed.TotalSeconds:N1} MB/s; " +
            $"per piece p50 {times[times.Length / 2] * 1000:N0} µs, p99 {times[(int)(times.Length * 0.99)] * 1000:N0} µs, slowest {times[^1] * 1000:N0} µs");
    }
}
