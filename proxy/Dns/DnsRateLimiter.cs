using System.Collections.Concurrent;
using System.Net;
using FilterProxy.Core.Networks;

namespace FilterProxy.Dns;

/// <summary>
/// A token bucket per client address: <c>rate</c> queries per second with a burst of twice that. Bounded:
/// past 65,536 tracked clients the table is cleared (a flood of spoofed sources cannot grow it).
/// </summary>
internal sealed class DnsRateLimiter(TimeProvider time)
{
    private const int MaxClients = 65_536;
    private readonly ConcurrentDictionary<UInt128, Bucket> _buckets = new();

    public long Refused;

    public bool TryAcquire(IPAddress client, int ratePerSecond)
    {
        if (ratePerSecond <= 0)
        {
            return true;
        }

        UInt128 key = IpNetwork.ToUInt128(client);
        long now = time.GetTimestamp();
        if (!_buckets.TryGetValue(key, out Bucket? bucket))
        {
            if (_buckets.Count >= MaxClients)
            {
                _buckets.Clear();
            }

            // A static lambda with explicit state: a capturing one would allocate its closure on every call.
            bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Burst, state.Now), (Burst: ratePerSecond * 2.0, Now: now));
        }

        lock (bucket)
        {
            double burst = ratePerSecond * 2.0;
            double elapsed = (double)(now - bucket.Updated) / time.TimestampFrequency;
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed * ratePerSecond));
            bucket.Updated = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return true;
            }
        }

        Interlocked.Increment(ref Refused);
        return false;
    }

    private sealed class Bucket(double tokens, long updated)
    {
        public double Tokens = tokens;
        public long Updated = updated;
    }
}
