namespace FilterProxy.Core.Domains;

/// <summary>
/// Names under which anyone can register a site: a single label ("com", "uk") and the common public suffixes ("co.uk",
/// "sch.uk", "com.au", "github.io"…). An allow or deny entry for one of these would cover every site beneath it, so the
/// review queue and other one-click edits refuse them. A built-in subset of the Public Suffix List (publicsuffix.org,
/// MPL 2.0): the suffixes UK schools meet most; any single label is refused whatever it is.
/// </summary>
public static class PublicSuffixes
{
    private static readonly HashSet<string> s_suffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        // United Kingdom
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "sch.uk", "ac.uk", "gov.uk", "nhs.uk", "police.uk", "mod.uk",
        // Countries whose sites pupils often meet
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "co.za", "org.za", "co.in", "org.in", "gov.in",
        "com.br", "org.br", "gov.br", "com.pl", "org.pl", "net.pl", "com.pk", "org.pk", "gov.pk", "com.bd", "org.bd",
        "com.ng", "com.tr", "org.tr", "gov.tr", "com.cn", "org.cn", "gov.cn", "com.hk", "com.sg", "com.my", "co.jp", "ne.jp",
        "or.jp", "co.kr", "com.mx", "com.ar", "com.es", "com.pt", "com.ro", "com.ua", "co.il", "com.eg", "com.sa", "co.ke",
        "com.so", "gov.so",
        // Hosting platforms where each subdomain is someone else's site
        "github.io", "gitlab.io", "herokuapp.com", "netlify.app", "vercel.app", "pages.dev", "workers.dev", "web.app",
        "firebaseapp.com", "blogspot.com", "wordpress.com", "azurewebsites.net", "cloudfront.net", "appspot.com",
        "glitch.me", "replit.app", "onrender.com", "fly.dev", "ngrok.io", "ngrok-free.app", "duckdns.org", "no-ip.org",
        "s3.amazonaws.com", "neocities.org", "weebly.com", "wixsite.com", "tumblr.com", "substack.com", "carrd.co",
    };

    /// <summary>True for a name no allow or deny entry may cover whole: a single label, or a public suffix.</summary>
    public static bool IsPublicSuffix(string host)
    {
        string h = host.Trim().TrimEnd('.').TrimStart('*', '.');
        return h.Length == 0 || !h.Contains('.', StringComparison.Ordinal) || s_suffixes.Contains(h);
    }
}
