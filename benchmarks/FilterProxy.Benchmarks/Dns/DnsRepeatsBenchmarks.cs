using System.Net;
using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Dns;
using FilterProxy.Dns.Cache;
using FilterProxy.Dns.Server;

namespace FilterProxy.Benchmarks.Dns;

/// <summary>
/// Counting a query as a repeat (<see cref="DnsRepeats.Record"/>) when 100,000 keys are open, as on a busy resolver: each
/// call is for another key, in a shuffled order, so the table's memory is not in the CPU's cache — the cost that matters.
/// </summary>
[MemoryDiagnoser]
public class DnsRepeatsBenchmarks
{
    private const int Keys = 100_000;
    private const int PerInvoke = 1000;
    private DnsRepeats _repeats = null!;
    private DnsResult[] _results = null!;
    private string[] _names = null!;
    private int[] _order = null!;
    private int _next;
    private readonly IPAddress _client = IPAddress.Parse("10.2.7.9");

    [GlobalSetup]
    public void Setup()
    {
        var env = new Dictionary<string, string> { ["FILTERPROXY__dns__rateLimitPerSecond"] = "0", ["FILTERPROXY__dns__repeatWindowSeconds"] = "300" };
        PolicySnapshot snapshot = Policy.SyntheticLists.Load2M(env);
        var holder = new PolicySnapshotHolder(snapshot);
        var resolver = new DnsResolver(holder, new DnsCache(TimeProvider.System), new DnsRateLimiter(TimeProvider.System), new DnsUpstreams(TimeProvider.System),
            FilterProxy.Identity.RequestIdentifier.InMemory(holder, TimeProvider.System), TimeProvider.System);
        _repeats = new DnsRepeats(new Discard(), holder, TimeProvider.System);
        _results = new DnsResult[Keys];
        _names = new string[Keys];
        byte[] response = new byte[4096];
        char[] name = new char[256];
        int n = 0;
        var distinct = new HashSet<string>();
        foreach (string candidate in Policy.SyntheticLists.Names().Where((d, i) => i % 7 == 0 && distinct.Add(d))) // across all the lists
        {
            DnsResult result = resolver.Answer(DnsAnswerBenchmarks.Query(candidate, 1, edns: false), _client, udp: true, name, response);
            if (result.Source == DnsSource.Blocked) // the others would be forwarded
            {
                (_names[n], _results[n]) = (candidate, result);
                _repeats.Record(result, candidate, _client, "udp", 0.1, "10.2.7.9"); // opens the key
                if (++n == Keys)
                {
                    break;
                }
            }
        }

        if (_repeats.Open != Keys)
        {
            throw new InvalidOperationException($"{_repeats.Open} keys open, not {Keys}");
        }

        _order = [.. Enumerable.Range(0, Keys)];
        new Random(42).Shuffle(_order);
    }

    [GlobalCleanup]
    public void Cleanup() => _repeats.Dispose();

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "a repeat among 100,000 open keys")]
    public void Repeat()
    {
        int next = _next;
        for (int i = 0; i < PerInvoke; i++)
        {
            int k = _order[next];
            _repeats.Record(_results[k], _names[k], _client, "udp", 0.1, "10.2.7.9");
            next = next + 1 == Keys ? 0 : next + 1;
        }

        _next = next;
    }

    private sealed class Discard : IEventSink
    {
        public bool TryWrite(FilterEvent filterEvent) => true;
    }
}
