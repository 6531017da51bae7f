using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Cache;

namespace FilterProxy.Benchmarks.Dns;

/// <summary>
/// Cache hits among 50,000 cached answers (about what a school's resolver holds), each for another name in a shuffled
/// order, so the entries are not in the CPU's cache: the lookup, the key check, the copy and the TTL rewrite. Each key
/// is composed into a buffer first, as the resolver composes it from the query (so the stored key is never the very
/// string being looked up).
/// </summary>
[MemoryDiagnoser]
public class DnsCacheBenchmarks
{
    private const int Entries = 50_000;
    private const int PerInvoke = 1000;
    private readonly DnsSettings _settings = new();
    private readonly byte[] _answer = new byte[512];
    private DnsCache _cache = null!;
    private readonly char[] _key = new char[64];
    private int[] _order = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _cache = new DnsCache(TimeProvider.System);
        for (int i = 0; i < Entries; i++)
        {
            string key = new(Key(i));
            byte[] message = new byte[64]; // header, and one A record's TTL at 40
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(40), 3600);
            _cache.StoreComposed(key, message, [40], 3600, _settings);
        }

        _order = [.. Enumerable.Range(0, Entries)];
        new Random(42).Shuffle(_order);
        if (_cache.Count != Entries || Hit() != PerInvoke * 64)
        {
            throw new InvalidOperationException("the cache does not hold every entry");
        }
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "a hit among 50,000 entries")]
    public int Hit()
    {
        int next = _next, total = 0;
        for (int i = 0; i < PerInvoke; i++)
        {
            _cache.TryGet(Key(_order[next]), 0x1234, _settings, _answer, out int length, out _);
            total += length;
            next = next + 1 == Entries ? 0 : next + 1;
        }

        _next = next;
        return total;
    }

    private ReadOnlySpan<char> Key(int i)
    {
        _key.AsSpan().TryWrite($"www.site{i}.example.org|1|1:", out int written);
        return _key.AsSpan(0, written);
    }
}
