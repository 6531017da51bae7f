using System.Collections.Concurrent;
using System.Net;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Dns.Tables;

namespace FilterProxy.Dns.Server;

/// <summary>
/// Where the DNS listeners record queries. A device asks for the same name again and again (every tab, app and retry,
/// each time a short TTL runs out); the first query of a kind is an event at once, and identical ones (same client,
/// person, device, profile, name, type, protocol, verdict, rule and response code) within <c>dns.repeatWindowSeconds</c>
/// of it are counted, then written as one more event with <see cref="FilterEvent.Repeats"/> set and the time, latency,
/// reason and upstream of the last. Every query is still accounted for, in order, by count; the store and the alert
/// engine see a handful of events where a busy resolver would have made thousands. 0 turns this off.
/// A repeat costs a lookup by the hash of a key composed in a per-thread buffer (<see cref="HashedTable{T}"/>): no event,
/// no string, nothing for the GC.
/// Rate-limited answers are not recorded at all: the limiter counts them, and a flood must not flood the store too.
/// Bounded: past <see cref="MaxOpen"/> distinct open keys a query is simply an event of its own.
/// </summary>
internal sealed class DnsRepeats : IDisposable
{
    public const int MaxOpen = 100_000;
    private const char Separator = '\u0001'; // no host name, address, profile or user name holds it
    private readonly IEventSink _pipeline;
    private readonly PolicySnapshotHolder _snapshots;
    private readonly TimeProvider _time;
    // Open keys by their hash alone (no string per key, none to compare against: at 100k keys each is a memory miss).
    // An entry's state is guarded by its shard's lock.
    private readonly HashedTable<Entry> _open = new();
    private readonly KeyHash _seed = KeyHash.NewSeed();
    // The open keys in the order they were opened, so oldest first: the timer takes from the front only what is due,
    // instead of walking every open key each second (≈ 4% of the gateway's CPU at 100k keys, measured).
    private readonly ConcurrentQueue<Entry> _order = new();
    private readonly ITimer _timer;
    private volatile bool _stopped;
    private int _count;

    /// <summary>Where a thread composes its keys: a stackalloc would be zeroed on every query (1.5 KB, ≈ 1.6% of the DNS thread, measured).</summary>
    [ThreadStatic]
    private static char[]? t_key;

    private readonly FilterProxy.Metrics.GatewayMetrics? _metrics;

    public DnsRepeats(IEventSink pipeline, PolicySnapshotHolder snapshots, TimeProvider time, FilterProxy.Metrics.GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        _pipeline = pipeline;
        _snapshots = snapshots;
        _time = time;
        _timer = time.CreateTimer(static s => ((DnsRepeats)s!).Flush(final: false), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Keys being counted (for tests and health).</summary>
    public int Open => Volatile.Read(ref _count);

    /// <summary>Records one answered query (after the answer was sent); a rate-limited one is left to the limiter's count.</summary>
    public void Record(in DnsResult r, ReadOnlySpan<char> name, IPAddress client, string protocol, double latencyMs, string? clientText = null)
    {
        if (r.Source == DnsSource.RateLimited)
        {
            return;
        }

        if (_metrics is { } metrics)
        {
            metrics.DnsQuery(protocol, r.Rcode, DnsEvents.CacheHit(r), r.Upstream is null ? null : r.UpstreamLatency);
            metrics.Decision(FilterProxy.Metrics.GatewayMetrics.Dns, DnsEvents.Verdict(r), r.HasDecision ? r.Decision.Category : null, r.HasDecision ? r.Decision.Profile.Name : null);
        }

        DateTimeOffset time = _time.GetUtcNow();
        int seconds = _snapshots.Current.Settings.Dns.RepeatWindowSeconds;
        Span<char> buffer = t_key ??= new char[768];
        int length = seconds == 0 || _stopped ? -1 : ComposeKey(buffer, r, name, client, protocol, clientText);
        if (length < 0)
        {
            _pipeline.TryWrite(DnsEvents.Create(r, name, client, protocol, time, latencyMs, clientText)); // off, stopping, or an odd key
            return;
        }

        if (Count(KeyHash.Of(buffer[..length], _seed), TimeSpan.FromSeconds(seconds), r, name, client, protocol, time, latencyMs, clientText) is { } open && _stopped)
        {
            Close(open); // a query in flight while the service stopped: its count must not wait for a timer that has stopped
        }
    }

    /// <summary>Counts the query into its key's open entry, or writes its event and opens one; null when the table is full.</summary>
    private Entry? Count(KeyHash hash, TimeSpan window, in DnsResult r, ReadOnlySpan<char> name, IPAddress client,
        string protocol, DateTimeOffset time, double latencyMs, string? clientText)
    {
        HashedTable<Entry>.Shard shard = _open.For(hash);
        Entry? opening = null;
        while (true)
        {
            FilterEvent? counted = null;
            bool closed = false, added = false;
            lock (shard.Gate)
            {
                if (shard.Find(hash) is { } entry)
                {
                    if ((time - entry.FirstTime).Duration() < window)
                    {
                        entry.Repeat(r, time, latencyMs);
                        return entry;
                    }

                    counted = CloseLocked(shard, entry); // its window is over (the timer has not come round yet): it is written, this one starts afresh
                    closed = true;
                }
                else if (opening is not null && Volatile.Read(ref _count) < MaxOpen && shard.TryAdd(hash, opening))
                {
                    Interlocked.Increment(ref _count);
                    added = true;
                }
            }

            if (closed)
            {
                if (counted is not null)
                {
                    _pipeline.TryWrite(counted);
                }
            }
            else if (opening is null)
            {
                // Made outside the lock; if another thread opens the same key meanwhile, this query counts into that.
                FilterEvent first = DnsEvents.Create(r, name, client, protocol, time, latencyMs, clientText);
                if (Volatile.Read(ref _count) >= MaxOpen)
                {
                    _pipeline.TryWrite(first); // the table is full: an event of its own
                    return null;
                }

                opening = new Entry(first, hash);
            }
            else
            {
                if (added)
                {
                    _order.Enqueue(opening);
                }

                _pipeline.TryWrite(opening.First);
                return added ? opening : null; // not added: the table is full, and the query is simply an event of its own
            }
        }
    }

    /// <summary>Writes the counts of every key whose window is over (all of them when <paramref name="final"/>).</summary>
    public void Flush(bool final)
    {
        var window = TimeSpan.FromSeconds(_snapshots.Current.Settings.Dns.RepeatWindowSeconds);
        DateTimeOffset now = _time.GetUtcNow();
        // Keys open in time order, so the front is the oldest; one closed early (its window ran out under a query) is
        // simply passed over when its turn comes.
        while (_order.TryPeek(out Entry? oldest) && (final || (now - oldest.FirstTime).Duration() >= window))
        {
            if (_order.TryDequeue(out oldest))
            {
                Close(oldest);
            }
        }
    }

    private void Close(Entry entry)
    {
        HashedTable<Entry>.Shard shard = _open.For(entry.Hash);
        FilterEvent? counted;
        lock (shard.Gate)
        {
            counted = CloseLocked(shard, entry);
        }

        if (counted is not null)
        {
            _pipeline.TryWrite(counted);
        }
    }

    /// <summary>Takes the entry out of the table (once) and returns the event for its repeats, if any. Under the shard's lock.</summary>
    private FilterEvent? CloseLocked(HashedTable<Entry>.Shard shard, Entry entry)
    {
        if (entry.Closed)
        {
            return null;
        }

        entry.Closed = true;
        if (shard.Remove(entry.Hash, entry))
        {
            Interlocked.Decrement(ref _count);
        }

        return entry.Counted();
    }

    /// <summary>Stops counting and writes what is counted (before the pipeline's last drain); later queries are events of their own.</summary>
    public void Stop()
    {
        _stopped = true;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Flush(final: true);
    }

    public void Dispose()
    {
        Stop();
        _timer.Dispose();
    }

    /// <summary>
    /// What makes two queries "identical": everything an event of them would hold except the time, latency, reason
    /// (first from upstream, then from the cache) and upstream. -1 when it does not fit (the query is then its own event).
    /// </summary>
    private static int ComposeKey(Span<char> key, in DnsResult r, ReadOnlySpan<char> name, IPAddress client, string protocol, string? clientText)
    {
        var k = new KeyWriter(key);
        if (clientText is not null)
        {
            k.Add(clientText);
        }
        else if (client.TryFormat(k.Rest, out int written))
        {
            k.Advance(written);
            k.Add([]);
        }
        else
        {
            return -1;
        }

        k.Add(name);
        k.Add(protocol);
        k.Add(DnsEvents.Verdict(r));
        k.Add([(char)r.Query.QType, (char)r.Rcode, (char)DnsEvents.Kind(r)]);
        k.Add(r.HasDecision ? r.Decision.Profile.Name : "");
        k.Add(r.BlockedAlias ?? (r.HasDecision ? r.Decision.Rule.Id : ""));
        k.Add(r.Identity?.User ?? "");
        k.Add(r.Identity?.DeviceLabel ?? "");
        return k.Length;
    }

    private ref struct KeyWriter(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;
        private int _length;
        private bool _overflow;

        public readonly int Length => _overflow ? -1 : _length;
        public readonly Span<char> Rest => _overflow ? [] : _buffer[_length..];

        public void Advance(int count) => _length += count;

        /// <summary>Appends a part and its separator.</summary>
        public void Add(scoped ReadOnlySpan<char> part)
        {
            if (_overflow || _length + part.Length + 1 > _buffer.Length)
            {
                _overflow = true;
                return;
            }

            part.CopyTo(_buffer[_length..]);
            _length += part.Length;
            _buffer[_length++] = Separator;
        }
    }

    /// <summary>A key's first event (written at once) and what changes from one repeat to the next; guarded by its shard's lock.</summary>
    private sealed class Entry(FilterEvent first, KeyHash hash)
    {
        public readonly FilterEvent First = first;
        public readonly KeyHash Hash = hash;
        /// <summary>First.Time, kept here: a repeat then reads only this entry, not the event (another cache miss at 100k open keys).</summary>
        public readonly DateTimeOffset FirstTime = first.Time;
        public bool Closed;
        private int _repeats;
        private DateTimeOffset _time;
        private double _latencyMs;
        private string _reason = "";
        private bool _cacheHit;
        private string? _upstream;
        private double? _upstreamMs;

        public void Repeat(in DnsResult r, DateTimeOffset time, double latencyMs)
        {
            _repeats++;
            (_time, _latencyMs, _reason, _cacheHit, _upstream, _upstreamMs) =
                (time, latencyMs, DnsEvents.Reason(r), DnsEvents.CacheHit(r), r.Upstream, DnsEvents.UpstreamMs(r));
        }

        /// <summary>The event that stands for the repeats (null when there were none).</summary>
        public FilterEvent? Counted() => _repeats == 0 ? null : First with
        {
            Time = _time,
            LatencyMs = _latencyMs,
            Reason = _reason,
            CacheHit = _cacheHit,
            Upstream = _upstream,
            UpstreamMs = _upstreamMs,
            Repeats = _repeats,
        };
    }
}
