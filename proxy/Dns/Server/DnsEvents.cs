using System.Net;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Dns.Server;

/// <summary>Turns a DNS result into an event for the pipeline (after the answer is sent: the answer never waits).</summary>
internal static class DnsEvents
{
    private static readonly string[] s_sources = [.. Enum.GetNames<DnsSource>().Select(static n => n.ToLowerInvariant())];
    private static readonly string[] s_reasons = [.. Enum.GetNames<DecisionReason>().Select(static n => n.ToLowerInvariant())];

    public static FilterEvent Create(in DnsResult r, ReadOnlySpan<char> name, IPAddress client, string protocol, DateTimeOffset time, double latencyMs, string? clientText = null)
    {
        IReadOnlyList<string> categories = r.HasDecision ? Categories.NamesOf(r.Decision.Categories) : [];
        return new FilterEvent
        {
            Time = time,
            Kind = Kind(r),
            ClientIp = clientText ?? client.ToString(),
            Device = r.Identity?.DeviceLabel,
            User = r.Identity?.User,
            DisplayName = r.Identity?.Person?.DisplayName,
            IdentitySource = r.Identity?.SourceName ?? "none",
            IdentityConfidence = r.Identity?.Confidence ?? "none",
            Vulnerable = r.Identity?.Vulnerable == true ? true : null,
            Profile = r.HasDecision ? r.Decision.Profile.Name : null,
            Host = name.ToString(),
            Categories = categories,
            Verdict = Verdict(r),
            Reason = Reason(r),
            Rule = r.BlockedAlias is not null ? $"cname-target:{r.BlockedAlias}" : r.HasDecision ? r.Decision.Rule.Id : null,
            List = r.HasDecision ? r.Decision.List?.ToString() : null,
            Protocol = protocol,
            QueryType = DnsType.Name(r.Query.QType),
            ResponseCode = DnsRcode.Name(r.Rcode),
            CacheHit = CacheHit(r),
            Upstream = r.Upstream,
            UpstreamMs = UpstreamMs(r),
            LatencyMs = latencyMs,
        };
    }

    public static bool IsBlocked(in DnsResult r) => r.Source is DnsSource.Blocked or DnsSource.BlockedAlias;

    public static EventKind Kind(in DnsResult r) =>
        IsBlocked(r) && r.HasDecision && r.Decision.Categories.Overlaps(Categories.Circumvention) ? EventKind.Circumvention : EventKind.Dns;

    public static string Verdict(in DnsResult r) =>
        IsBlocked(r) ? "block" : r.SafeTarget is not null ? "allow-with-safe-search" : r.Rcode is DnsRcode.Refused or DnsRcode.FormErr or DnsRcode.NotImp ? "refuse" : "allow";

    public static string Reason(in DnsResult r) => r.Source switch
    {
        DnsSource.Blocked or DnsSource.BlockedAlias when r.HasDecision && r.Decision.IsBlocked => s_reasons[(int)r.Decision.Reason],
        DnsSource.BlockedAlias => "cname-target",
        _ => s_sources[(int)r.Source],
    };

    public static bool CacheHit(in DnsResult r) => r.Source == DnsSource.Cache || (r.Source == DnsSource.SafeSearch && r.Upstream is null);

    public static double? UpstreamMs(in DnsResult r) => r.Upstream is null ? null : r.UpstreamLatency.TotalMilliseconds;
}
