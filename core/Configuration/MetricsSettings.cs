namespace FilterProxy.Core.Configuration;

/// <summary>
/// The gateway's metrics: OpenTelemetry instruments, scraped as Prometheus text at <c>/metrics</c> on the admin port
/// and, when <see cref="OtlpEndpoint"/> is set, pushed over OTLP. No label carries personal data. Defaults in the README.
/// </summary>
public sealed record MetricsSettings
{
    public const string Path = "/metrics";

    /// <summary>Off: no instruments are listened to, no endpoint is mapped.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// When set, a scrape must also send <c>Authorization: Bearer &lt;token&gt;</c>. The admin port serves only
    /// <c>allowedClients</c> either way; pupils' networks are usually among them, so a school that wants the figures
    /// out of their reach sets a token (or lists only the monitoring host in allowedClients).
    /// </summary>
    public string? BearerToken { get; init; }

    /// <summary>An OTLP collector (http://host:4318 for HTTP/protobuf, or :4317 with <see cref="OtlpProtocol"/> grpc).</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>grpc or http/protobuf (the default).</summary>
    public string OtlpProtocol { get; init; } = "http/protobuf";

    /// <summary>How often metrics are pushed over OTLP.</summary>
    public TimeSpan OtlpInterval { get; init; } = TimeSpan.FromSeconds(15);
}
