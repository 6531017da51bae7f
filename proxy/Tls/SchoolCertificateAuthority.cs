using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FilterProxy.Tls;

/// <summary>
/// The school's own certificate authority: generated on first run (ECDSA P-256, ten years) or imported by
/// placing <c>school-ca.crt</c> and <c>school-ca.key</c> (PEM) in <c>&lt;data&gt;/ca/</c>. The private key
/// file is owner-only (0600) and never logged. Server certificates (DoH now; intercepted HTTPS later)
/// are minted from it.
/// </summary>
internal sealed class SchoolCertificateAuthority
{
    public const string CertificateFile = "school-ca.crt";
    public const string KeyFile = "school-ca.key";

    private SchoolCertificateAuthority(X509Certificate2 certificate, string directory)
    {
        Certificate = certificate;
        CertificatePath = Path.Combine(directory, CertificateFile);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>Where the CA certificate (public part) is, for installing on managed devices.</summary>
    public string CertificatePath { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    public static SchoolCertificateAuthority LoadOrCreate(string dataDirectory, TimeProvider time)
    {
        string directory = Path.Combine(dataDirectory, "ca");
        string certPath = Path.Combine(directory, CertificateFile);
        string keyPath = Path.Combine(directory, KeyFile);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            return new SchoolCertificateAuthority(X509Certificate2.CreateFromPemFile(certPath, keyPath), directory);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=FilterProxy School CA ({Environment.MachineName}), O=FilterProxy", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = time.GetUtcNow();
        using X509Certificate2 created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem(), secret: true);
        WriteAtomically(certPath, created.ExportCertificatePem(), secret: false);
        return new SchoolCertificateAuthority(X509Certificate2.CreateFromPemFile(certPath, keyPath), directory);
    }

    /// <summary>A server certificate for these names and addresses (ECDSA P-256, one year), signed by the CA.</summary>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string> names, IEnumerable<IPAddress> addresses, TimeProvider time)
    {
        string[] dnsNames = [.. names.Distinct(StringComparer.OrdinalIgnoreCase)];
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(dnsNames.Length > 0 ? dnsNames[0] : "filterproxy")}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in dnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (IPAddress address in addresses.Distinct())
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        DateTimeOffset now = time.GetUtcNow();
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 signed = request.Create(Certificate, now.AddMinutes(-5), now.AddYears(1) < Certificate.NotAfter ? now.AddYears(1) : Certificate.NotAfter, serial);
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static void WriteAtomically(string path, string content, bool secret)
    {
        string temp = path + ".tmp";
        if (secret && !OperatingSystem.IsWindows())
        {
            using var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(content);
        }
        else
        {
            File.WriteAllText(temp, content);
        }

        File.Move(temp, path, overwrite: true);
    }
}
