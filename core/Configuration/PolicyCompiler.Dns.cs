using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static DnsSettings CompileDns(DnsConfig? config, List<ConfigError> e)
    {
        DnsConfig c = config ?? new DnsConfig();
        var defaults = new DnsSettings();
        bool fromSystem = c.Upstreams is null;
        var upstreams = new List<DnsUpstream>();
        List<string> texts = c.Upstreams ?? SystemResolvers();
        for (int i = 0; i < texts.Count; i++)
        {
            if (TryParseUpstream(texts[i], out DnsUpstream? upstream, out string? error))
            {
                upstreams.Add(upstream);
            }
            else
            {
                e.Add(new ConfigError($"dns.upstreams[{i}]", error!));
            }
        }

        int Range(int? value, int fallback, int min, int max, string name)
        {
            int v = value ?? fallback;
            if (v < min || v > max)
            {
                e.Add(new ConfigError($"dns.{name}", $"{v} is outside {min}–{max}"));
            }

            return v;
        }

        IPAddress? Address(string? text, AddressFamily family, string name)
        {
            if (text is null)
            {
                return null;
            }

            if (!IPAddress.TryParse(text, out IPAddress? address) || address.AddressFamily != family)
            {
                e.Add(new ConfigError($"dns.{name}", $"'{text}' is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address"));
                return null;
            }

            return address;
        }

        DnsBlockResponse block = ParseEnum(c.BlockResponse, DnsBlockResponse.NxDomain, "dns.blockResponse", e);
        IPAddress? page = Address(c.BlockPageAddress, AddressFamily.InterNetwork, "blockPageAddress");
        IPAddress? page6 = Address(c.BlockPageAddressV6, AddressFamily.InterNetworkV6, "blockPageAddressV6");
        if (block == DnsBlockResponse.BlockPage && page is null && c.BlockPageAddress is null)
        {
            e.Add(new ConfigError("dns.blockPageAddress", "blockResponse 'blockpage' needs the block page's IPv4 address"));
        }

        var local = new Dictionary<string, IReadOnlyList<IPAddress>>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, List<string>? addresses) in c.LocalNames ?? [])
        {
            string? normalized = Domains.HostName.NormalizeEntry(name, out string? error);
            if (normalized is null)
            {
                e.Add(new ConfigError($"dns.localNames.{name}", error!));
                continue;
            }

            var parsed = new List<IPAddress>();
            foreach (string text in addresses ?? [])
            {
                if (IPAddress.TryParse(text, out IPAddress? address))
                {
                    parsed.Add(address);
                }
                else
                {
                    e.Add(new ConfigError($"dns.localNames.{name}", $"'{text}' is not an IP address"));
                }
            }

            if (parsed.Count == 0)
            {
                e.Add(new ConfigError($"dns.localNames.{name}", "a local name needs at least one address"));
            }

            local[normalized] = parsed;
        }

        int? dohPort = c.DohPort is -1 ? null : Range(c.DohPort, defaults.DohPort!.Value, 0, 65535, "dohPort");
        return new DnsSettings
        {
            Upstreams = upstreams,
            UpstreamsFromSystem = fromSystem,
            UpstreamTimeout = TimeSpan.FromMilliseconds(Range(c.UpstreamTimeoutMs, 2000, 100, 30_000, "upstreamTimeoutMs")),
            BlockResponse = block,
            BlockPageAddress = page,
            BlockPageAddressV6 = page6,
            BlockTtl = Range(c.BlockTtl, defaults.BlockTtl, 0, 86_400, "blockTtl"),
            LocalNames = local.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            CacheSize = Range(c.CacheSize, defaults.CacheSize, 0, 10_000_000, "cacheSize"),
            MinTtl = Range(c.MinTtl, defaults.MinTtl, 0, 86_400, "minTtl"),
            MaxTtl = Range(c.MaxTtl, defaults.MaxTtl, 1, 604_800, "maxTtl"),
            NegativeTtl = Range(c.NegativeTtl, defaults.NegativeTtl, 0, 86_400, "negativeTtl"),
            RateLimitPerSecond = Range(c.RateLimitPerSecond, defaults.RateLimitPerSecond, 0, 1_000_000, "rateLimitPerSecond"),
            RepeatWindowSeconds = Range(c.RepeatWindowSeconds, defaults.RepeatWindowSeconds, 0, 300, "repeatWindowSeconds"),
            DohPort = dohPort,
            DohHostNames = c.DohHostNames ?? [.. defaults.DohHostNames],
        };
    }

    /// <summary>Parses an upstream: "1.1.1.1", "udp://1.1.1.1:53", "tls://1.1.1.1:853#name", "https://host/dns-query".</summary>
    public static bool TryParseUpstream(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DnsUpstream? upstream, out string? error)
    {
        upstream = null;
        string s = text.Trim();
        if (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(s, UriKind.Absolute, out Uri? url))
            {
                error = $"'{s}' is not a valid URL";
                return false;
            }

            upstream = new DnsUpstream(DnsTransport.Https, null, url.Host, url, s);
            error = null;
            return true;
        }

        DnsTransport transport = DnsTransport.Udp;
        string rest = s;
        if (s.StartsWith("udp://", StringComparison.OrdinalIgnoreCase))
        {
            rest = s[6..];
        }
        else if (s.StartsWith("tls://", StringComparison.OrdinalIgnoreCase))
        {
            transport = DnsTransport.Tls;
            rest = s[6..];
        }
        else if (s.Contains("://", StringComparison.Ordinal))
        {
            error = $"'{s}': use udp://, tls:// or https://";
            return false;
        }

        string? tlsName = null;
        int hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            tlsName = rest[(hash + 1)..];
            rest = rest[..hash];
        }

        int defaultPort = transport == DnsTransport.Tls ? 853 : 53;
        if (!IPEndPoint.TryParse(rest, out IPEndPoint? endPoint))
        {
            error = $"'{s}' needs an IP address (and optional port), e.g. 1.1.1.1:53 or [2606:4700::1111]:53";
            return false;
        }

        if (endPoint.Port == 0)
        {
            endPoint.Port = defaultPort;
        }

        if (transport == DnsTransport.Tls && string.IsNullOrWhiteSpace(tlsName))
        {
            error = $"'{s}': DNS-over-TLS needs the server's certificate name after '#', e.g. tls://1.1.1.1:853#cloudflare-dns.com";
            return false;
        }

        upstream = new DnsUpstream(transport, endPoint, tlsName, null, s);
        error = null;
        return true;
    }

    /// <summary>The machine's own resolvers from /etc/resolv.conf (the default when no upstream is configured).</summary>
    private static List<string> SystemResolvers()
    {
        try
        {
            return [.. File.ReadLines("/etc/resolv.conf")
                .Select(static l => l.Trim())
                .Where(static l => l.StartsWith("nameserver", StringComparison.Ordinal))
                .Select(static l => l["nameserver".Length..].Trim())
                .Where(static a => IPAddress.TryParse(a, out _))];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
