using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Lists;

/// <summary>
/// Entries FilterProxy ships so a new install blocks encrypted-DNS bypass before any list is imported:
/// the public DNS-over-HTTPS resolvers' names and the browsers' canary domain.
/// </summary>
public static class BuiltInLists
{
    public const string Name = "builtin";

    /// <summary>Browsers disable their own DoH when this name does not resolve (NXDOMAIN).</summary>
    public const string DohCanary = "use-application-dns.net";

    public static readonly IReadOnlyList<string> DnsOverHttpsResolvers =
    [
        DohCanary,
        "dns.google", "dns.google.com", "dns64.dns.google",
        "cloudflare-dns.com", "one.one.one.one", "1dot1dot1dot1.cloudflare-dns.com",
        "dns.quad9.net", "dns9.quad9.net", "dns10.quad9.net", "dns11.quad9.net",
        "doh.opendns.com", "doh.familyshield.opendns.com", "doh.umbrella.com",
        "dns.adguard.com", "dns.adguard-dns.com", "dns-family.adguard.com", "unfiltered.adguard-dns.com",
        "doh.cleanbrowsing.org", "dns.nextdns.io", "doh.mullvad.net", "dns.mullvad.net", "doh.dns.sb",
        "dns.alidns.com", "doh.pub", "dns.controld.com", "freedns.controld.com", "doh.libredns.gr",
        "dns.digitale-gesellschaft.ch", "doh.applied-privacy.net", "ordns.he.net", "odvr.nic.cz",
        "doh.xfinity.com", "dns.switch.ch", "doh.ffmuc.net", "dns0.eu", "zero.dns0.eu", "kids.dns0.eu",
    ];

    public static ListSource Source { get; } = new(
        Name,
        ListFormat.Domains,
        "(built in)",
        Category.DnsOverHttps,
        new Dictionary<string, Category?>(),
        Refresh: null);
}
