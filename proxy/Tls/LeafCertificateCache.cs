using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FilterProxy.Tls;

/// <summary>
/// Leaf certificates for intercepted sites, minted from the school CA (ECDSA P-256: about a millisecond each)
/// and cached per host name, so a page's many connections share one. Leaves last 30 days and are re-minted a
/// day before they expire. The cache is bounded: past <see cref="Capacity"/> hosts it starts again empty.
/// </summary>
internal sealed class LeafCertificateCache(SchoolCertificateAuthority authority, TimeProvider time)
{
    public const int Capacity = 20_000;
    private static readonly TimeSpan s_lifetime = TimeSpan.FromDays(30);
    private readonly ConcurrentDictionary<string, Lazy<Entry>> _cache = new(StringComparer.OrdinalIgnoreCase);
    private long _minted;

    public long Minted => Interlocked.Read(ref _minted);

    public int Count => _cache.Count;

    public SslStreamCertificateContext Get(string host)
    {
        DateTimeOffset now = time.GetUtcNow();
        Lazy<Entry> lazy = _cache.GetOrAdd(host, static (h, self) => new Lazy<Entry>(() => self.Mint(h)), this);
        Entry entry = lazy.Value;
        if (entry.RenewAfter > now)
        {
            return entry.Context;
        }

        var fresh = new Lazy<Entry>(() => Mint(host));
        _cache.TryUpdate(host, fresh, lazy);
        return _cache.GetOrAdd(host, fresh).Value.Context;
    }

    private Entry Mint(string host)
    {
        if (_cache.Count > Capacity)
        {
            _cache.Clear();
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={(host.Length <= 64 ? host : "filterproxy")}"), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            san.AddIpAddress(address);
        }
        else
        {
            san.AddDnsName(host);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority.Certificate, true, false));
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset notAfter = now + s_lifetime < authority.Certificate.NotAfter ? now + s_lifetime : authority.Certificate.NotAfter;
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 signed = request.Create(authority.Certificate, now.AddHours(-1), notAfter, serial);
        X509Certificate2 leaf = signed.CopyWithPrivateKey(key);
        Interlocked.Increment(ref _minted);
        var context = SslStreamCertificateContext.Create(leaf, [], offline: true);
        return new Entry(context, notAfter - TimeSpan.FromDays(1));
    }

    private sealed record Entry(SslStreamCertificateContext Context, DateTimeOffset RenewAfter);
}
