using FilterProxy.Dns.Tables;

namespace FilterProxy.Proxy.Tests.Dns;

public sealed class HashedTableTests
{
    [Fact]
    public void RandomAddsAndRemoves_AgreeWithADictionary_ThroughCollisionsAndWrapAround()
    {
        // Low lanes from a narrow range, so runs collide, overlap and wrap round the end of the slot array; every
        // removal shifts entries back, and every entry must stay findable after it.
        var random = new Random(1234);
        var shard = new HashedTable<object>(maxSlotsPerShard: 64).For(new KeyHash(0, 0));
        var model = new Dictionary<KeyHash, object>();
        var keys = Enumerable.Range(0, 80).Select(i => new KeyHash((ulong)random.Next(0, 70) + (i % 3 == 0 ? 60UL : 0UL), (ulong)i)).ToArray();
        for (int step = 0; step < 20_000; step++)
        {
            KeyHash key = keys[random.Next(keys.Length)];
            lock (shard.Gate)
            {
                if (model.TryGetValue(key, out object? value))
                {
                    if (random.Next(3) == 0)
                    {
                        Assert.False(shard.Remove(key, new object()));   // not the value it holds
                    }

                    Assert.True(shard.Remove(key, value));
                    model.Remove(key);
                }
                else
                {
                    var added = new object();
                    if (shard.TryAdd(key, added))
                    {
                        model[key] = added;
                    }
                    else
                    {
                        Assert.Equal(48, model.Count);                   // refused only when three quarters full
                    }
                }

                Assert.Equal(model.Count, shard.Count);
                foreach (KeyHash k in keys)
                {
                    Assert.Same(model.GetValueOrDefault(k), shard.Find(k));
                }
            }
        }
    }

    [Fact]
    public void AShard_GrowsToItsLimit_ThenRefusesPastThreeQuarters()
    {
        var shard = new HashedTable<string>(maxSlotsPerShard: 256).For(new KeyHash(0, 0));
        int added = 0;
        lock (shard.Gate)
        {
            while (added < 1000 && shard.TryAdd(new KeyHash((ulong)added * 7919, (ulong)added), added.ToString()))
            {
                added++;
            }

            Assert.Equal(192, added);
            Assert.All(Enumerable.Range(0, added), i => Assert.Equal(i.ToString(), shard.Find(new KeyHash((ulong)i * 7919, (ulong)i))));
            Assert.True(shard.Remove(new KeyHash(0, 0), shard.Find(new KeyHash(0, 0))!));
            Assert.True(shard.TryAdd(new KeyHash(1, 1_000_000), "again"));   // room again after a removal
        }
    }

    [Fact]
    public void RemoveWhere_TakesWhatItPicks_AndRemoveAny_TakesExactlyTheCountAskedWhenThereIsThat()
    {
        var table = new HashedTable<string>();
        KeyHash seed = KeyHash.NewSeed();
        var hashes = Enumerable.Range(0, 1000).Select(i => KeyHash.Of($"k{i}", seed)).ToArray();
        for (int i = 0; i < hashes.Length; i++)
        {
            HashedTable<string>.Shard shard = table.For(hashes[i]);
            lock (shard.Gate)
            {
                Assert.True(shard.TryAdd(hashes[i], i % 10 == 0 ? "old" : $"v{i}"));
            }
        }

        Assert.Equal(100, table.RemoveWhere(static v => v == "old"));
        Assert.Equal(37, table.RemoveAny(37));
        Assert.Equal(900 - 37, hashes.Count(h => Find(table, h) is not null));
        Assert.DoesNotContain(hashes, h => Find(table, h) == "old");
        Assert.Equal(863, table.RemoveAny(5000));                 // all there is
        Assert.All(hashes, h => Assert.Null(Find(table, h)));
    }

    private static string? Find(HashedTable<string> table, KeyHash hash)
    {
        HashedTable<string>.Shard shard = table.For(hash);
        lock (shard.Gate)
        {
            return shard.Find(hash);
        }
    }

    [Fact]
    public void KeyHash_IsTheSameForTheSameKeyAndSeed_AndDiffersOtherwise()
    {
        KeyHash seed = KeyHash.NewSeed();
        Assert.NotEqual(seed, KeyHash.NewSeed());
        Assert.Equal(KeyHash.Of("10.0.0.1\u0001bet.example\u0001udp", seed), KeyHash.Of("10.0.0.1\u0001bet.example\u0001udp".ToCharArray(), seed));
        Assert.NotEqual(KeyHash.Of("bet.example", seed), KeyHash.Of("bet.example", KeyHash.NewSeed()));
        // Keys that differ only in length (zero padding of the last word) or in one character anywhere.
        Assert.NotEqual(KeyHash.Of("abc", seed), KeyHash.Of("abc\0", seed));
        Assert.NotEqual(KeyHash.Of("", seed), KeyHash.Of("\0", seed));
        var seen = new HashSet<ulong>();
        var seenHigh = new HashSet<ulong>();
        for (int i = 0; i < 200_000; i++)
        {
            KeyHash h = KeyHash.Of($"10.0.{i % 251}.{i % 7}\u0001host{i}.example\u0001udp", seed);
            Assert.True(seen.Add(h.Low), $"low lanes collided at {i}");
            Assert.True(seenHigh.Add(h.High), $"high lanes collided at {i}");
        }
    }

    [Fact]
    public void Shards_AreChosenByTheHighLane_SoEveryShardIsUsed()
    {
        var table = new HashedTable<object>();
        KeyHash seed = KeyHash.NewSeed();
        var shards = Enumerable.Range(0, 5000).Select(i => table.For(KeyHash.Of($"name{i}", seed))).Distinct().Count();
        Assert.Equal(HashedTable<object>.ShardCount, shards);
    }
}
