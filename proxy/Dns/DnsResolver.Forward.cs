using System.Collections.Concurrent;
using System.Net;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using FilterProxy.Dns.Cache;
using FilterProxy.Dns.Upstream;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Dns;

internal sealed partial class DnsResolver
{
    private readonly ConcurrentDictionary<string, Task<Fetched>> _inflight = new(StringComparer.Ordinal);

    public long Coalesced;

    /// <summary>
    /// The slow path: ask the upstreams (identical questions in flight share one upstream query), check
    /// CNAME targets against policy, cache, and fit the answer to the client. Upstream failure → SERVFAIL.
    /// </summary>
    /// <param name="name">The query name as <see cref="Answer"/> wrote it (the caller already holds it as a string).</param>
    public async Task<(byte[] Response, DnsResult Result)> ForwardAsync(byte[] packet, string name, IPAddress client, bool udp, DnsResult result, CancellationToken cancellationToken)
    {
        DnsQuery q = result.Query;
        PolicySnapshot snapshot = snapshots.Current;
        DnsSettings settings = snapshot.Settings.Dns;
        string key = CacheKey(name, q, result.SafeTarget);
        Fetched fetched;
        try
        {
            fetched = await Coalesce(key, () => result.SafeTarget is null
                ? FetchAsync(packet.AsMemory(DnsLimits.HeaderSize, q.QuestionEnd - DnsLimits.HeaderSize), name, q, key, settings, cancellationToken)
                : FetchSafeSearchAsync(packet, result.SafeTarget, q, key, settings, cancellationToken));
        }
        catch (DnsUpstreamException)
        {
            byte[] fail = new byte[q.QuestionEnd + 11];
            int n = DnsResponses.Error(q, packet, DnsRcode.ServFail, true, fail);
            result.Source = DnsSource.UpstreamFailed;
            result.Rcode = DnsRcode.ServFail;
            result.Outcome = DnsOutcome.Answered;
            result.Length = n;
            return (fail[..n], result);
        }

        result.Upstream = fetched.Upstream;
        result.UpstreamLatency = fetched.Latency;
        if (fetched.Aliases.Length > 0 && BlockedAlias(snapshot, client, result.Identity, fetched.Aliases) is { } alias)
        {
            byte[] blocked = new byte[q.QuestionEnd + 128];
            int n = DnsResponses.Blocked(q, packet, settings, blocked);
            result.BlockedAlias = alias;
            result.Source = DnsSource.BlockedAlias;
            result.Rcode = BlockedRcode(settings);
            result.Outcome = DnsOutcome.Answered;
            result.Length = n;
            return (blocked[..n], result);
        }

        byte[] response = new byte[fetched.Message.Length + 11 + q.QuestionEnd];
        fetched.Message.CopyTo(response, 0);
        int length = DnsResponses.Finish(q, packet, response, fetched.Message.Length, udp ? q.MaxUdpResponse : DnsLimits.MaxMessageSize);
        result.Source = result.SafeTarget is null ? DnsSource.Upstream : DnsSource.SafeSearch;
        result.Rcode = fetched.Rcode;
        result.Outcome = DnsOutcome.Answered;
        result.Length = length;
        return (response[..length], result);
    }

    private async Task<Fetched> Coalesce(string key, Func<Task<Fetched>> fetch)
    {
        var created = new TaskCompletionSource<Fetched>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Fetched> running = _inflight.GetOrAdd(key, created.Task);
        if (!ReferenceEquals(running, created.Task))
        {
            Interlocked.Increment(ref Coalesced);
            return await running;
        }

        try
        {
            Fetched fetched = await fetch();
            created.SetResult(fetched);
            return fetched;
        }
        catch (Exception ex)
        {
            created.SetException(ex);
            throw;
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Task<Fetched>>(key, created.Task));
        }
    }

    private async Task<Fetched> FetchAsync(ReadOnlyMemory<byte> question, string name, DnsQuery q, string key, DnsSettings settings, CancellationToken cancellationToken)
    {
        (byte[] response, DnsMessage message, DnsUpstream upstream, TimeSpan latency) =
            await upstreams.For(settings).ExchangeAsync(question, name, q.QType, q.QClass, q.DnssecOk, cancellationToken);
        byte[] stored = message.WithoutOpt(response, out int[] ttlOffsets);
        cache.Store(key, message, stored, ttlOffsets, settings);
        return new Fetched(stored, [.. message.AliasTargets], message.Rcode, upstream.Text, latency);
    }

    /// <summary>A safe-search answer: CNAME from the asked name to the vendor's safe host, plus that host's addresses.</summary>
    private async Task<Fetched> FetchSafeSearchAsync(byte[] packet, string target, DnsQuery q, string key, DnsSettings settings, CancellationToken cancellationToken)
    {
        byte[] targetQuestion = new byte[DnsLimits.MaxNameLength + 5];
        int nameLength = DnsName.Write(target, targetQuestion);
        targetQuestion[nameLength] = (byte)(q.QType >> 8);
        targetQuestion[nameLength + 1] = (byte)q.QType;
        targetQuestion[nameLength + 2] = 0;
        targetQuestion[nameLength + 3] = 1;
        (byte[] response, DnsMessage message, DnsUpstream upstream, TimeSpan latency) =
            await upstreams.For(settings).ExchangeAsync(targetQuestion.AsMemory(0, nameLength + 4), target, q.QType, 1, q.DnssecOk, cancellationToken);

        byte[] composed = new byte[2048];
        var writer = new DnsResponseWriter(composed);
        writer.Begin(0, q.Flags, message.Rcode, packet.AsSpan(DnsLimits.HeaderSize, q.QuestionEnd - DnsLimits.HeaderSize));
        var records = message.Answers(response).Where(r => r.Type == q.QType).ToList();
        uint ttl = records.Count == 0 ? (uint)settings.NegativeTtl : Math.Clamp(records.Min(static r => r.Ttl), (uint)settings.MinTtl, (uint)settings.MaxTtl);
        var ttlOffsets = new List<int> { writer.Position + 6 };
        writer.AddCname(target, ttl);
        foreach ((ushort type, uint recordTtl, byte[] data) in records)
        {
            int offset = writer.AddRecord(target, type, recordTtl, data);
            if (offset >= 0)
            {
                ttlOffsets.Add(offset);
            }
        }

        int length = writer.Finish();
        cache.StoreComposed(key, composed.AsSpan(0, length), [.. ttlOffsets], (int)ttl, settings);
        return new Fetched(composed[..length], [], message.Rcode, upstream.Text, latency);
    }

    private static string CacheKey(string name, in DnsQuery q, string? safeTarget)
    {
        Span<char> key = stackalloc char[DnsCache.MaxKeyLength];
        int length = DnsCache.Key(name, q.QType, q.QClass, q.DnssecOk, safeTarget, key);
        return new string(key[..length]);
    }

    private sealed record Fetched(byte[] Message, string[] Aliases, int Rcode, string Upstream, TimeSpan Latency);
}
