namespace FilterProxy.Dns;

/// <summary>DNS queries per client (<c>dns.rateLimitPerSecond</c>, burst twice that).</summary>
internal sealed class DnsRateLimiter(TimeProvider time) : Hosting.ClientRateLimiter(time);
