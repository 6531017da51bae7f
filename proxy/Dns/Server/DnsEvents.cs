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
        bool blocked = r.Source is DnsSource.Blocked or DnsSource.BlockedAlias;
        bool circumvention = blocked && r.HasDecision && r.Decision.Categories.Overlaps(Categories.Circumvention);
        string reason = r.Source switch
        {
            DnsSource.Blocked or DnsSource.BlockedAlias when r.HasDecision && r.Decision.IsBlocked => s_reasons[(int)r.Decision.Reason],
            DnsSource.BlockedAlias => "cname-target",
            _ => s_sources[(int)r.Source],
        };
        IReadOnlyList<string> categories = [];
        if (r.HasDecision && !r.Decision.Categories.IsEmpty)
        {
            var names = new List<string>(r.Decision.Categories.Count);
            foreach (Category c in r.Decision.Categories)
            {
                names.Add(Categories.NameOf(c));
            }

            categories = names;
        }

        return new FilterEvent
        {
            Time = time,
            Kind = circumvention ? EventKind.Circumvention : EventKind.Dns,
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
            Verdict = blocked ? "block" : r.SafeTarget is not null ? "allow-with-safe-search" : r.Rcode is DnsRcode.Refused or DnsRcode.FormErr or DnsRcode.NotImp ? "refuse" : "allow",
            Reason = reason,
            Rule = r.BlockedAlias is not null ? $"cname-target:{r.BlockedAlias}" : r.HasDecision ? r.Decision.Rule.Id : null,
            List = r.HasDecision ? r.Decision.List?.ToString() : null,
            Protocol = protocol,
            QueryType = DnsType.Name(r.Query.QType),
            ResponseCode = DnsRcode.Name(r.Rcode),
            CacheHit = r.Source == DnsSource.Cache || (r.Source == DnsSource.SafeSearch && r.Upstream is null),
            Upstream = r.Upstream,
            UpstreamMs = r.Upstream is null ? null : r.UpstreamLatency.TotalMilliseconds,
            LatencyMs = latencyMs,
        };
    }
}
