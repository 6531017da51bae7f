using System.Collections.Concurrent;
using System.Net;
using FilterProxy.Core.Networks;

namespace FilterProxy.Hosting;

/// <summary>
/// A token bucket per client address: <c>rate</c> per second with a burst. Bounded: past 65,536 tracked clients the
/// table is cleared (a flood of spoofed sources cannot grow it). Subclassed per use so each has its own table.
/// </summary>
internal class ClientRateLimiter(TimeProvider time)
{
    private const int MaxClients = 65_536;
    private readonly ConcurrentDictionary<UInt128, Bucket> _buckets = new();

    public long Refused;

    /// <summary><paramref name="ratePerSecond"/> with a burst of twice that (0 or less: no limit).</summary>
    public bool TryAcquire(IPAddress client, int ratePerSecond) => ratePerSecond <= 0 || TryAcquire(client, ratePerSecond, ratePerSecond * 2.0);

    public bool TryAcquire(IPAddress client, double ratePerSecond, double burst)
    {
        UInt128 key = IpNetwork.ToUInt128(client);
        long now = time.GetTimestamp();
        if (!_buckets.TryGetValue(key, out Bucket? bucket))
        {
            if (_buckets.Count >= MaxClients)
            {
                _buckets.Clear();
            }

            // A static lambda with explicit state: a capturing one would allocate its closure on every call.
            bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Burst, state.Now), (Burst: burst, Now: now));
        }

        lock (bucket)
        {
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

/// <summary>
/// The block page's review and report form per client: 10 at once, then one every 6 seconds (300 posts in 2.5 s were once
/// all stored). Enough for a class sharing one address; a script gets 429.
/// </summary>
internal sealed class FeedbackRateLimiter(TimeProvider time) : ClientRateLimiter(time)
{
    public const double PerSecond = 1.0 / 6;
    public const double Burst = 10;

    public bool TryAcquire(IPAddress client) => TryAcquire(client, PerSecond, Burst);
}
