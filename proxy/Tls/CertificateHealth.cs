using FilterProxy.Core.Health;

namespace FilterProxy.Tls;

/// <summary>The school CA's expiry on the health page: degraded within 30 days of it, since every managed device must then get a new one.</summary>
internal sealed class CertificateHealth(SchoolCertificateAuthority ca, TimeProvider time) : IHealthReporter
{
    public string Name => "school-ca";

    private double DaysLeft => (ca.Certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalDays;

    public bool Healthy => DaysLeft > 30;

    public object Report() => new
    {
        subject = ca.Certificate.Subject,
        expires = ca.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        daysLeft = (int)DaysLeft,
        state = Healthy ? "ok" : DaysLeft > 0 ? "renew soon: replace it on every managed device" : "EXPIRED",
    };
}
