using System.Diagnostics;
using FilterProxy.Core.Events;
using FilterProxy.Events.Pipeline;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Events.Stores.Sqlite;

namespace FilterProxy.Benchmarks.Events;

/// <summary>
/// Sustained ingest through the real pipeline into a real store (events/s from first write to last stored),
/// and per-user timeline queries over a store filled with N events across 10,000 users.
/// </summary>
internal static class EventStoreLoad
{
    private static readonly string[] s_hosts = ["www.bbc.co.uk", "www.google.com", "classroom.google.com", "en.wikipedia.org", "www.youtube.com", "bet.example"];

    /// <summary>
    /// The event shape: a school's proxy traffic (default: 10,000 users, 5,000 devices), or with SHAPE=dns a resolver's
    /// (one client, a new name each time, 30% blocked), or with SHAPE=bench what proxy-bench.sh's load makes (one client,
    /// one URL, no identity).
    /// </summary>
    private static readonly string s_shape = Environment.GetEnvironmentVariable("SHAPE") ?? "http";

    public static FilterEvent Event(long i, DateTimeOffset t0) => s_shape switch
    {
        "dns" => DnsEvent(i, t0),
        "bench" => BenchEvent(i, t0),
        _ => HttpEvent(i, t0),
    };

    /// <summary>What a load test on loopback logs: one client, nobody signed in, the default profile.</summary>
    private static FilterEvent Loopback(DateTimeOffset time, EventKind kind, string verdict) => new()
    {
        Time = time, Kind = kind, Verdict = verdict, ClientIp = "127.0.0.1", IdentitySource = "none", IdentityConfidence = "none", Profile = "default",
    };

    /// <summary>As the proxy logs one request of the load test (wrk through the proxy to nginx on loopback).</summary>
    public static FilterEvent BenchEvent(long i, DateTimeOffset t0) => Loopback(t0.AddMilliseconds(i / 25.0), EventKind.Http, "allow") with
    {
        Method = "GET",
        Host = "127.0.0.1",
        Url = "http://127.0.0.1:18080/1k.txt",
        Reason = "allowed",
        Rule = "default/default",
        Protocol = "http",
        Status = 200,
        Bytes = 1024,
        LatencyMs = 0.41 + i % 97 / 100.0,
    };

    /// <summary>As the DNS listener writes the first query of a name (the bench resolver's traffic: 127.0.0.1, names seen once).</summary>
    public static FilterEvent DnsEvent(long i, DateTimeOffset t0) => Loopback(t0.AddMilliseconds(i / 10.0), EventKind.Dns, i % 10 < 3 ? "block" : "allow") with
    {
        Host = $"www.{(i * 2654435761 % 1_000_003):x}{i % 7}.example.com",
        Categories = i % 10 < 3 ? ["malware"] : [],
        Reason = i % 10 < 3 ? "category" : "upstream",
        Rule = i % 10 < 3 ? "list:bench" : null,
        List = i % 10 < 3 ? "bench" : null,
        Protocol = "udp",
        QueryType = i % 3 == 0 ? "AAAA" : "A",
        ResponseCode = i % 10 < 3 ? "NXDOMAIN" : "NOERROR",
        CacheHit = false,
        Upstream = i % 10 < 3 ? null : "127.0.0.1:53",
        UpstreamMs = i % 10 < 3 ? null : 0.25,
        LatencyMs = 0.31,
    };

    public static FilterEvent HttpEvent(long i, DateTimeOffset t0) => new()
    {
        Time = t0.AddMilliseconds(i),
        Kind = i % 3 == 0 ? EventKind.Dns : EventKind.Http,
        ClientIp = $"10.{(i / 65536) % 256}.{(i / 256) % 256}.{i % 256}",
        Device = "DEV-" + (i % 5000),
        User = "pupil" + (i * 7919 % 10_000),
        Profile = "ks2",
        Method = "GET",
        Host = s_hosts[i % s_hosts.Length],
        Url = $"https://{s_hosts[i % s_hosts.Length]}/page/{i}?ref=school",
        Verdict = i % 20 == 0 ? "block" : "allow",
        Categories = i % 20 == 0 ? ["gambling"] : [],
        Reason = i % 20 == 0 ? "category" : "allow",
        Status = 200,
        Bytes = 12_345,
        LatencyMs = 3.2,
        Protocol = "http",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: ingest|timeline sqlite:<path>|redis:<host:port> <events>");
            return 2;
        }

        long n = long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        IEventStore store = args[1] == "none" ? new FilterProxy.Events.Stores.NullEventStore()
            : args[1].StartsWith("redis:", StringComparison.Ordinal) ? await RedisEventStore.ConnectAsync(args[1]["redis:".Length..], "bench:")
            : await SqliteEventStore.OpenAsync(args[1]["sqlite:".Length..]);
        await using (store)
        {
            double rate = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : double.PositiveInfinity;
            return args[0] == "ingest" ? await IngestAsync(store, n, rate) : args[0] == "store" ? await DirectAsync(store, n) : await TimelineAsync(store, n);
        }
    }

    /// <param name="rate">Events offered per second (paced); infinity = as fast as the queue takes them (a burst).</param>
    private static async Task<int> IngestAsync(IEventStore store, long n, double rate)
    {
        string spool = Path.Combine(Path.GetTempPath(), "fp-bench-spool-" + Environment.ProcessId);
        // As in the gateway: the alert engine (rules, keywords) looks at every batch on the writer.
        var settings = new FilterProxy.Core.Configuration.AlertSettings();
        FilterProxy.Events.Keywords.KeywordMatcher keywords = FilterProxy.Events.Keywords.KeywordList.Load([]).Matcher;
        long alerts = 0;
        var engine = new FilterProxy.Events.Alerts.AlertEngine(() => settings, () => keywords, TimeProvider.System, _ => alerts++);
        using var pipeline = new EventPipeline(store, new EventPipelineOptions { NodeId = "bench", SpoolDirectory = spool }, [engine]);
        using var stop = new CancellationTokenSource();
        Task writer = pipeline.RunAsync(stop.Token);
        var t0 = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var deadline = TimeSpan.FromMinutes(10);
        for (long i = 0; i < n && watch.Elapsed < deadline; i++)
        {
            while (i > rate * watch.Elapsed.TotalSeconds)
            {
                await Task.Delay(1);
            }

            FilterEvent e = Event(i, t0);
            while (!pipeline.TryWrite(e))
            {
                await Task.Delay(1); // the queue is full: the store is the bottleneck (wait, as a load test; the gateway would spool)
            }
        }

        double produced = watch.Elapsed.TotalSeconds;
        while (pipeline.Written + pipeline.Replayed < pipeline.Queued && watch.Elapsed < deadline)
        {
            await Task.Delay(5);
        }

        double seconds = watch.Elapsed.TotalSeconds;
        double cpuPerEvent = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / Math.Max(pipeline.Queued, 1);
        await stop.CancelAsync();
        await writer;
        Directory.Delete(spool, recursive: true);
        Console.WriteLine($"store:      {store.Description} (alert engine on: {alerts:N0} alert changes)");
        Console.WriteLine($"events:     {pipeline.Queued:N0} queued, {pipeline.Written:N0} written directly, {pipeline.Spooled:N0} spooled, {pipeline.Replayed:N0} replayed, {pipeline.Dropped:N0} dropped");
        Console.WriteLine($"cpu:        {cpuPerEvent:N1} µs of this process per event (producer, pipeline, alert engine and store client together; compare with `none`)");
        Console.WriteLine($"ingest:     {pipeline.Queued / seconds:N0} events/s sustained ({seconds:N1} s until the last was stored; producer done at {produced:N1} s, offering {(double.IsInfinity(rate) ? "as fast as the queue takes them" : $"{rate:N0}/s")})");
        return pipeline.Dropped == 0 ? 0 : 1;
    }

    /// <summary>
    /// The store alone: batches of 1,000 (or BATCH=n) appended one after another (the pipeline's writer appends 4,000, and up
    /// to 16,000 while a backlog waits). Each batch is
    /// made just before it is appended and only the appends are timed, so the figure is the store's, not the test's.
    /// </summary>
    private static async Task<int> DirectAsync(IEventStore store, long n)
    {
        var t0 = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var appending = new Stopwatch();
        int size = int.TryParse(Environment.GetEnvironmentVariable("BATCH"), out int b) && b > 0 ? b : 1000;
        for (long i = 0; i < n; i += size)
        {
            var batch = new EventBatch($"direct/{Environment.ProcessId}/{i}", [.. Enumerable.Range(0, size).Select(j => Event(i + j, t0) with { Node = "bench", Seq = i + j })]);
            appending.Start();
            await store.AppendAsync(batch, default);
            appending.Stop();
        }

        Console.WriteLine($"store:      {store.Description}: {n / appending.Elapsed.TotalSeconds:N0} events/s appending batches of {size:N0} ({appending.Elapsed.TotalSeconds:N1} s, {appending.Elapsed.TotalMicroseconds / n:N2} µs per event)");
        return 0;
    }

    private static async Task<int> TimelineAsync(IEventStore store, long n)
    {
        // Fill (only what is missing: a filled store is reused between runs).
        long have = (await store.CountsAsync(new DateOnly(2026, 1, 1), new DateOnly(2027, 12, 31), default)).Sum(static c => c.Count);
        var t0 = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        var fill = Stopwatch.StartNew();
        const int batch = 5000;
        for (long i = have; i < n; i += batch)
        {
            var events = new List<FilterEvent>(batch);
            for (long j = i; j < Math.Min(n, i + batch); j++)
            {
                events.Add(Event(j, t0) with { Node = "bench", Seq = j });
            }

            await store.AppendAsync(new EventBatch($"fill/{i}", events), default);
            if (i / batch % 200 == 0)
            {
                Console.Error.WriteLine($"  filled {i + events.Count:N0} / {n:N0} ({(i + events.Count - have) / Math.Max(fill.Elapsed.TotalSeconds, 0.001):N0}/s)");
            }
        }

        Console.WriteLine($"store:      {store.Description}, {n:N0} events for 10,000 users ({n / 10_000:N0} each); filled {n - have:N0} in {fill.Elapsed.TotalSeconds:N0} s");
        var times = new List<double>();
        var rng = new Random(42);
        for (int q = 0; q < 220; q++)
        {
            string user = "pupil" + rng.Next(10_000);
            var w = Stopwatch.StartNew();
            IReadOnlyList<FilterEvent> page = await store.QueryAsync(new EventQuery { User = user, Limit = 100 }, default);
            w.Stop();
            if (q >= 20)
            {
                times.Add(w.Elapsed.TotalMilliseconds); // the first 20 warm up
            }

            if (page.Count == 0 || page.Any(e => e.User != user))
            {
                Console.Error.WriteLine($"wrong answer for {user}");
                return 1;
            }
        }

        times.Sort();
        Console.WriteLine($"timeline:   newest 100 events of one user: median {times[times.Count / 2]:N2} ms, p95 {times[(int)(times.Count * 0.95)]:N2} ms, max {times[^1]:N2} ms (200 queries, random users)");
        return 0;
    }
}
