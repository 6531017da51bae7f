using System.Diagnostics.Metrics;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Metrics;

/// <summary>
/// DNS queries counted by the gateway itself (protocol × response code × cache hit, one increment each) and handed to
/// OpenTelemetry when read, for the same reason as <see cref="DecisionCounts"/>.
/// </summary>
internal sealed class DnsQueryCounts
{
    public static readonly string[] Protocols = ["udp", "tcp", "doh", "other"];
    private const int Rcodes = 24; // 0–22 named by RFCs in use, the rest counted as one
    private readonly long[] _cells = new long[Protocols.Length * Rcodes * 2];

    public void Add(string protocol, int rcode, bool cacheHit)
    {
        int p = protocol switch { "udp" => 0, "tcp" => 1, "doh" => 2, _ => 3 };
        int r = rcode is >= 0 and < Rcodes - 1 ? rcode : Rcodes - 1;
        Interlocked.Increment(ref _cells[((p * Rcodes) + r) * 2 + (cacheHit ? 1 : 0)]);
    }

    public IEnumerable<Measurement<long>> Read()
    {
        for (int i = 0; i < _cells.Length; i++)
        {
            long n = Volatile.Read(ref _cells[i]);
            if (n == 0)
            {
                continue;
            }

            int r = i / 2 % Rcodes;
            yield return new Measurement<long>(n,
                new KeyValuePair<string, object?>("dns.protocol", Protocols[i / 2 / Rcodes]),
                new KeyValuePair<string, object?>("dns.response_code", r == Rcodes - 1 ? "other" : DnsRcode.Name(r)),
                new KeyValuePair<string, object?>("filterproxy.dns.cache_hit", (i & 1) == 1 ? "true" : "false"));
        }
    }
}
