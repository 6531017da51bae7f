using System.Buffers.Binary;
using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Cache;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>The cache on its own (the resolver's tests cover TTLs counting down, expiry and negative caching end to end).</summary>
public sealed class DnsCacheTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void PastItsSize_ItEvicts_AndWhatItKeepsIsEachKeysOwnAnswer()
    {
        var settings = new DnsSettings { CacheSize = 64 };
        var cache = new DnsCache(_time);
        for (int i = 0; i < 1000; i++)
        {
            cache.StoreComposed(Key(i), Message(i, ttl: 300), [12], 300, settings);
            Assert.InRange(cache.Count, 1, 64);
        }

        int kept = 0;
        byte[] answer = new byte[512];
        for (int i = 0; i < 1000; i++)
        {
            if (cache.TryGet(Key(i), 0x4242, settings, answer, out int length, out _))
            {
                kept++;
                Assert.Equal(20, length);
                Assert.Equal(i, BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(16)));     // its own message
                Assert.Equal(0x4242, BinaryPrimitives.ReadUInt16BigEndian(answer));          // the asker's ID
            }
        }

        Assert.Equal(cache.Count, kept);
        Assert.InRange(kept, 56, 64);   // evicting leaves seven eighths of the room, less what the shards round off
    }

    [Fact]
    public void StoringAKeyAgain_ReplacesItsAnswer()
    {
        var settings = new DnsSettings();
        var cache = new DnsCache(_time);
        cache.StoreComposed(Key(1), Message(1, ttl: 300), [12], 300, settings);
        cache.StoreComposed(Key(1), Message(2, ttl: 60), [12], 60, settings);
        Assert.Equal(1, cache.Count);
        byte[] answer = new byte[512];
        Assert.True(cache.TryGet(Key(1), 7, settings, answer, out _, out _));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(16)));
        Assert.Equal(60u, BinaryPrimitives.ReadUInt32BigEndian(answer.AsSpan(12)));
        Assert.False(cache.TryGet(Key(2), 7, settings, answer, out _, out _));
        Assert.False(cache.TryGet("example.org|1|1:", 7, settings, answer, out _, out _)); // a key it never held
    }

    [Fact]
    public void AnEntryExpires_AfterItsTtl_AndAnAnswerTooLargeForTheBufferIsAMiss()
    {
        var settings = new DnsSettings();
        var cache = new DnsCache(_time);
        cache.StoreComposed(Key(3), Message(3, ttl: 30), [12], 30, settings);
        byte[] answer = new byte[512];
        Assert.False(cache.TryGet(Key(3), 7, settings, answer.AsSpan(0, 19), out _, out _));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet(Key(3), 7, settings, answer, out _, out _));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(answer.AsSpan(12)));            // counted down
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(Key(3), 7, settings, answer, out _, out _));
    }

    [Fact]
    public void ManyThreads_StoringAndReading_LeaveACountThatMatchesWhatIsThere()
    {
        var settings = new DnsSettings { CacheSize = 500 };
        var cache = new DnsCache(_time);
        Parallel.For(0, 20_000, i =>
        {
            int k = i % 2_000;
            byte[] answer = new byte[64];
            if (i % 3 == 0 && cache.TryGet(Key(k), 1, settings, answer, out _, out _))
            {
                Assert.Equal(k, BinaryPrimitives.ReadInt32BigEndian(answer.AsSpan(16)));
            }
            else
            {
                cache.StoreComposed(Key(k), Message(k, ttl: 300), [12], 300, settings);
            }
        });

        byte[] buffer = new byte[64];
        int there = Enumerable.Range(0, 2_000).Count(k => cache.TryGet(Key(k), 1, settings, buffer, out _, out _));
        Assert.Equal(there, cache.Count);
        Assert.InRange(there, 1, 500);
    }

    private static string Key(int i) => $"host{i}.example|1|1:";

    /// <summary>A 20-byte message: a header, a TTL at offset 12 and the index at 16.</summary>
    private static byte[] Message(int i, uint ttl)
    {
        byte[] message = new byte[20];
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(12), ttl);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(16), i);
        return message;
    }
}
