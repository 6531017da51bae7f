namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static MetricsSettings CompileMetrics(MetricsConfig? config, List<ConfigError> e)
    {
        MetricsConfig c = config ?? new MetricsConfig();
        var defaults = new MetricsSettings();
        Uri? otlp = null;
        if (!string.IsNullOrWhiteSpace(c.OtlpEndpoint)
            && (!Uri.TryCreate(c.OtlpEndpoint, UriKind.Absolute, out otlp) || (otlp.Scheme != Uri.UriSchemeHttp && otlp.Scheme != Uri.UriSchemeHttps)))
        {
            e.Add(new ConfigError("metrics.otlpEndpoint", $"'{c.OtlpEndpoint}' is not an http(s) URL (e.g. \"http://127.0.0.1:4318\")"));
            otlp = null;
        }

        string protocol = c.OtlpProtocol?.Trim().ToLowerInvariant() ?? defaults.OtlpProtocol;
        if (protocol is not ("grpc" or "http/protobuf"))
        {
            e.Add(new ConfigError("metrics.otlpProtocol", $"'{c.OtlpProtocol}' is not grpc or http/protobuf"));
        }

        int interval = c.OtlpIntervalSeconds ?? (int)defaults.OtlpInterval.TotalSeconds;
        if (interval is < 1 or > 3600)
        {
            e.Add(new ConfigError("metrics.otlpIntervalSeconds", $"{interval} is outside 1–3600 seconds"));
        }

        string? token = string.IsNullOrWhiteSpace(c.BearerToken) ? null : c.BearerToken.Trim();
        if (token is not null && token.Length < 16)
        {
            e.Add(new ConfigError("metrics.bearerToken", "a bearer token must be at least 16 characters (a guessable token protects nothing)"));
        }

        return new MetricsSettings
        {
            Enabled = c.Enabled ?? defaults.Enabled,
            BearerToken = token,
            OtlpEndpoint = otlp,
            OtlpProtocol = protocol,
            OtlpInterval = TimeSpan.FromSeconds(Math.Clamp(interval, 1, 3600)),
        };
    }
}
