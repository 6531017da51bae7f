using System.Net;
using System.Security.Cryptography;

namespace FilterProxy.Tls;

/// <summary>The school CA's download page, with install steps for each system (served at /ca on the proxy and admin ports).</summary>
internal static class CertificatePage
{
    public static string Html(SchoolCertificateAuthority authority)
    {
        string fingerprint = Convert.ToHexString(SHA256.HashData(authority.Certificate.RawData));
        string pretty = string.Join(':', Enumerable.Range(0, fingerprint.Length / 2).Select(i => fingerprint.Substring(i * 2, 2)));
        string subject = WebUtility.HtmlEncode(authority.Certificate.Subject);
        string expires = authority.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Install the school certificate – FilterProxy</title>
            <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#1b2430}
            code{background:#eef2f7;padding:.1rem .3rem;border-radius:.2rem;word-break:break-all}a.button{display:inline-block;background:#123c69;color:#fff;padding:.5rem 1rem;border-radius:.4rem;text-decoration:none;margin:.2rem .5rem .2rem 0}
            a:focus{outline:3px solid #f0a500}h2{margin-top:1.5rem}</style></head><body>
            <h1>Install the school certificate</h1>
            <p>The school's filter checks secure (HTTPS) websites to keep pupils safe. School-managed devices need this certificate so that
            secure websites open without warnings. Check the fingerprint before you install it.</p>
            <p><a class="button" href="/school-ca.crt">Download (PEM, .crt)</a><a class="button" href="/school-ca.cer">Download (DER, .cer)</a></p>
            <p>Certificate: <code>{{subject}}</code><br>SHA-256 fingerprint: <code>{{pretty}}</code><br>Expires: {{expires}}</p>
            <h2>Windows</h2><p>Open <code>school-ca.cer</code> → Install Certificate → Local Machine → "Place all certificates in the following store" →
            <em>Trusted Root Certification Authorities</em>. For many devices use Group Policy: Computer Configuration → Windows Settings → Security Settings →
            Public Key Policies → Trusted Root Certification Authorities → Import.</p>
            <h2>macOS</h2><p>Open <code>school-ca.crt</code> in Keychain Access (System keychain), double-click the certificate → Trust →
            "When using this certificate: Always Trust". Or: <code>sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain school-ca.crt</code>.</p>
            <h2>iPhone and iPad</h2><p>Open <code>/school-ca.cer</code> in Safari → Allow → Settings → Profile Downloaded → Install. Then Settings → General → About →
            Certificate Trust Settings → turn on full trust for the school certificate. With MDM, push it in a certificate payload.</p>
            <h2>Android</h2><p>Settings → Security → Encryption &amp; credentials → Install a certificate → CA certificate → choose <code>school-ca.crt</code>.
            Apps only trust it if they opt in; Chrome does. With a managed (work) profile, push it through your MDM.</p>
            <h2>Chromebooks</h2><p>Google Admin console → Devices → Networks → Certificates → upload <code>school-ca.crt</code> and tick
            "Chromebook: use this certificate as an HTTPS certificate authority".</p>
            <h2>Linux</h2><p>Debian/Ubuntu: <code>sudo cp school-ca.crt /usr/local/share/ca-certificates/ &amp;&amp; sudo update-ca-certificates</code>.
            Fedora: <code>sudo cp school-ca.crt /etc/pki/ca-trust/source/anchors/ &amp;&amp; sudo update-ca-trust</code>.</p>
            <h2>Firefox</h2><p>Firefox uses the system's certificates when <code>security.enterprise_roots.enabled</code> is true (the default on Windows and macOS);
            otherwise Settings → Privacy &amp; Security → Certificates → View Certificates → Authorities → Import, and tick "trust this CA to identify websites".</p>
            <p>Visitors' own devices do not need it: the guest profile does not decrypt.</p>
            </body></html>
            """;
    }
}
