using System.Security.Cryptography;
using System.Text;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FilterProxy.Metrics;

/// <summary>
/// Metrics through OpenTelemetry: the gateway's meter, the .NET runtime's (<c>System.Runtime</c>), and ASP.NET Core's and
/// Kestrel's (requests and connections), read as Prometheus text at <c>/metrics</c> on the admin port and pushed over
/// OTLP when <c>metrics.otlpEndpoint</c> is set. The admin port serves only <c>allowedClients</c>; a configured bearer
/// token is required on top of that.
/// </summary>
internal static class MetricsHosting
{
    /// <summary>The meters exported besides the gateway's own.</summary>
    public static readonly string[] LibraryMeters = ["System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    public static IServiceCollection AddFilterProxyMetrics(this IServiceCollection services, GatewaySettings settings)
    {
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<GatewayGauges>();
        MetricsSettings metrics = settings.Metrics;
        if (!metrics.Enabled)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("filterproxy", serviceVersion: typeof(MetricsHosting).Assembly.GetName().Version?.ToString(3),
                serviceInstanceId: settings.Events.NodeId))
            .WithMetrics(m =>
            {
                m.AddMeter(GatewayMetrics.MeterName);
                m.AddMeter(LibraryMeters);
                m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (metrics.OtlpEndpoint is { } endpoint)
                {
                    m.AddOtlpExporter((o, reader) =>
                    {
                        bool grpc = metrics.OtlpProtocol == "grpc";
                        o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        // Set in code, the HTTP endpoint is used as given: the signal's path is added when it has none.
                        o.Endpoint = grpc || endpoint.AbsolutePath.Length > 1 ? endpoint : new Uri(endpoint, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)metrics.OtlpInterval.TotalMilliseconds;
                    });
                }
            });
        return services;
    }

    /// <summary>Maps /metrics (when metrics are on) and starts the observable instruments.</summary>
    public static void MapFilterProxyMetrics(this WebApplication app, MetricsSettings settings)
    {
        app.Services.GetRequiredService<GatewayGauges>();
        if (!settings.Enabled)
        {
            return;
        }

        PolicySnapshotHolder policy = app.Services.GetRequiredService<PolicySnapshotHolder>();
        app.MapPrometheusScrapingEndpoint(MetricsSettings.Path, meterProvider: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => Authorised(context, policy.Current.Settings.Metrics.BearerToken) ? next(context) : Refuse(context)),
            optionsName: null).AllowAnonymous();
    }

    /// <summary>No token configured, or the request carries it (compared in constant time).</summary>
    internal static bool Authorised(HttpContext context, string? token)
    {
        if (token is null)
        {
            return true;
        }

        string header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    private static Task Refuse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"filterproxy-metrics\"";
        return context.Response.WriteAsync("metrics need the bearer token set in metrics.bearerToken\n");
    }
}
