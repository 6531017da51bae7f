using System.Net;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;
using FilterProxy.Dns.Cache;
using FilterProxy.Dns.Wire;
using FilterProxy.Identity;

namespace FilterProxy.Dns;

/// <summary>
/// Answers DNS queries with the shared policy evaluator. <see cref="Answer"/> is the synchronous fast
/// path (refusals, malformed packets, blocks, the DoH canary, local names, safe-search NODATA and cache
/// hits) and allocates nothing; everything else goes to <see cref="ForwardAsync"/>.
/// Order: not a query → drop; malformed → FORMERR; client outside allowedClients → REFUSED; over its
/// rate → REFUSED; the canary → NXDOMAIN; a local name → its addresses; then the policy decision.
/// </summary>
internal sealed partial class DnsResolver(PolicySnapshotHolder snapshots, DnsCache cache, DnsRateLimiter limiter, DnsUpstreams upstreams, RequestIdentifier identifier, TimeProvider time)
{
    public DnsCache Cache => cache;

    public DnsResult Answer(ReadOnlySpan<byte> packet, IPAddress client, bool udp, Span<char> name, Span<byte> response)
    {
        var result = default(DnsResult);
        DnsParseStatus status = DnsQueryParser.Parse(packet, name, out result.Query);
        ref DnsQuery q = ref result.Query;
        switch (status)
        {
            case DnsParseStatus.Drop:
                result.Outcome = DnsOutcome.Drop;
                return result;
            case DnsParseStatus.FormErr:
            case DnsParseStatus.NotImp:
                return Reply(ref result, DnsSource.Malformed, status == DnsParseStatus.FormErr ? DnsRcode.FormErr : DnsRcode.NotImp,
                    DnsResponses.Error(q, packet, status == DnsParseStatus.FormErr ? DnsRcode.FormErr : DnsRcode.NotImp, false, response));
        }

        PolicySnapshot snapshot = snapshots.Current;
        DnsSettings settings = snapshot.Settings.Dns;
        if (!snapshot.IsClientAllowed(client))
        {
            return Reply(ref result, DnsSource.Refused, DnsRcode.Refused, DnsResponses.Error(q, packet, DnsRcode.Refused, true, response));
        }

        if (!limiter.TryAcquire(client, settings.RateLimitPerSecond))
        {
            return Reply(ref result, DnsSource.RateLimited, DnsRcode.Refused, DnsResponses.Error(q, packet, DnsRcode.Refused, true, response));
        }

        ReadOnlySpan<char> qname = name[..q.NameLength];
        if (q.QClass != 1)
        {
            return Reply(ref result, DnsSource.Refused, DnsRcode.Refused, DnsResponses.Error(q, packet, DnsRcode.Refused, true, response));
        }

        if (qname.Equals(BuiltInLists.DohCanary, StringComparison.OrdinalIgnoreCase))
        {
            return Reply(ref result, DnsSource.Canary, DnsRcode.NxDomain, DnsResponses.Empty(q, packet, DnsRcode.NxDomain, response));
        }

        if (settings.LocalNames.Count > 0 && TryLocal(settings, qname, out IReadOnlyList<IPAddress>? local))
        {
            return Reply(ref result, DnsSource.Local, DnsRcode.NoError, DnsResponses.Local(q, packet, local, response));
        }

        string? safeTarget = null;
        if (!qname.IsEmpty)
        {
            ClientIdentity who = result.Identity = identifier.ForQuery(client, snapshot);
            var request = new FilterRequest { Host = qname, Client = client, Time = time.GetUtcNow(), User = who.User, Profile = who.Profile, Vulnerable = who.Vulnerable };
            result.Decision = snapshot.Evaluate(in request, request.Time);
            result.HasDecision = true;
            if (result.Decision.IsBlocked)
            {
                return Reply(ref result, DnsSource.Blocked, BlockedRcode(settings), DnsResponses.Blocked(q, packet, settings, response));
            }

            safeTarget = result.Decision.SafeSearchCname;
            if (safeTarget is not null)
            {
                result.SafeTarget = safeTarget;
                if (q.QType is not (DnsType.A or DnsType.AAAA))
                {
                    // HTTPS/SVCB and the rest: no data, so clients use A/AAAA (and the CNAME) — no ECH around it.
                    return Reply(ref result, DnsSource.SafeSearch, DnsRcode.NoError, DnsResponses.Empty(q, packet, DnsRcode.NoError, response));
                }
            }
        }

        Span<char> key = stackalloc char[DnsCache.MaxKeyLength];
        int keyLength = DnsCache.Key(qname, q.QType, q.QClass, q.DnssecOk, safeTarget, key);
        if (cache.TryGet(key[..keyLength], q.Id, settings, response, out int length, out string[] aliases))
        {
            if (aliases.Length > 0 && BlockedAlias(snapshot, client, result.Identity, aliases) is { } alias)
            {
                result.BlockedAlias = alias;
                return Reply(ref result, DnsSource.BlockedAlias, BlockedRcode(settings), DnsResponses.Blocked(q, packet, settings, response));
            }

            int size = DnsResponses.Finish(q, packet, response, length, udp ? q.MaxUdpResponse : DnsLimits.MaxMessageSize);
            result.Rcode = response[3] & 0xF;
            result.Length = size;
            result.Outcome = DnsOutcome.Answered;
            result.Source = safeTarget is null ? DnsSource.Cache : DnsSource.SafeSearch;
            return result;
        }

        result.Outcome = DnsOutcome.Forward;
        return result;
    }

    private static DnsResult Reply(ref DnsResult result, DnsSource source, int rcode, int length)
    {
        result.Outcome = DnsOutcome.Answered;
        result.Source = source;
        result.Rcode = rcode;
        result.Length = length;
        return result;
    }

    private static int BlockedRcode(DnsSettings settings) => settings.BlockResponse == DnsBlockResponse.NxDomain ? DnsRcode.NxDomain : DnsRcode.NoError;

    private static bool TryLocal(DnsSettings settings, ReadOnlySpan<char> name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<IPAddress>? addresses) =>
        settings.LocalNames.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out addresses);

    /// <summary>A CNAME/DNAME target the client's profile blocks (CNAME cloaking), or null.</summary>
    private string? BlockedAlias(PolicySnapshot snapshot, IPAddress client, ClientIdentity? identity, IReadOnlyList<string> aliases)
    {
        ClientIdentity who = identity ?? identifier.ForQuery(client, snapshot);
        foreach (string alias in aliases)
        {
            var request = new FilterRequest { Host = alias, Client = client, Time = time.GetUtcNow(), User = who.User, Profile = who.Profile, Vulnerable = who.Vulnerable };
            if (snapshot.Evaluate(in request, request.Time).IsBlocked)
            {
                return alias;
            }
        }

        return null;
    }
}
