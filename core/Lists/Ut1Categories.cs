using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Lists;

/// <summary>
/// The default mapping from UT1 (Université Toulouse Capitole) and squidGuard/Shalla folder names to
/// FilterProxy categories. A folder mapped to null is deliberately ignored (e.g. "bank", "press").
/// A list's <c>categoryMap</c> in the configuration overrides single entries.
/// </summary>
public static class Ut1Categories
{
    public static readonly IReadOnlyDictionary<string, Category?> Default = new Dictionary<string, Category?>(StringComparer.OrdinalIgnoreCase)
    {
        ["adult"] = Category.Pornography,
        ["porn"] = Category.Pornography,
        ["mixed_adult"] = Category.Pornography,
        ["sexual_education"] = null, // education: never blocked by list
        ["lingerie"] = null,
        ["agressif"] = Category.Discrimination,
        ["aggressive"] = Category.Discrimination,
        ["racism"] = Category.Discrimination,
        ["drogue"] = Category.Drugs,
        ["drugs"] = Category.Drugs,
        ["gambling"] = Category.Gambling,
        ["gamble"] = Category.Gambling,
        ["arjel"] = Category.Gambling,
        ["malware"] = Category.Malware,
        ["phishing"] = Category.Malware,
        ["hacking"] = Category.Malware,
        ["cryptojacking"] = Category.Malware,
        ["ddos"] = Category.Malware,
        ["stalkerware"] = Category.Malware,
        ["spyware"] = Category.Malware,
        ["dialer"] = Category.Malware,
        ["warez"] = Category.Piracy,
        ["tricheur"] = Category.Piracy,
        ["violence"] = Category.Violence,
        ["weapons"] = Category.Violence,
        ["dangerous_material"] = Category.Violence,
        ["suicide"] = Category.SelfHarm,
        ["sect"] = Category.Extremism,
        ["social_networks"] = Category.SocialMedia,
        ["socialnet"] = Category.SocialMedia,
        ["chat"] = Category.Chat,
        ["webmail"] = null,
        ["games"] = Category.Games,
        ["dating"] = Category.Dating,
        ["audio-video"] = Category.Streaming,
        ["vpn"] = Category.Proxies,
        ["anonvpn"] = Category.Proxies,
        ["redirector"] = Category.Proxies,
        ["strict_redirector"] = Category.Proxies,
        ["strong_redirector"] = Category.Proxies,
        ["remote-control"] = Category.Proxies,
        ["doh"] = Category.DnsOverHttps,
        ["alcohol"] = Category.AlcoholTobacco,
        ["tobacco"] = Category.AlcoholTobacco,
    };
}
