using FilterProxy.Core.Configuration;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Configuration;

public sealed class MetricsConfigTests
{
    [Fact]
    public void Defaults_MetricsOn_NoToken_NoOtlp()
    {
        CompiledConfig c = PolicyCompiler.Compile(ConfigLoader.Load(null, PolicyFixture.NoEnvironment));

        Assert.True(c.Settings.Metrics.Enabled);
        Assert.Null(c.Settings.Metrics.BearerToken);
        Assert.Null(c.Settings.Metrics.OtlpEndpoint);
    }

    [Fact]
    public void Bad_MetricsSettings_AreEachReported()
    {
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors("""
            { "metrics": { "bearerToken": "short", "otlpEndpoint": "ftp://collector", "otlpProtocol": "carrier-pigeon", "otlpIntervalSeconds": 0, "port": 9 } }
            """);
        string all = string.Join("\n", errors.Select(e => e.ToString()));

        Assert.Contains("metrics.bearerToken", all, StringComparison.Ordinal);
        Assert.Contains("metrics.otlpEndpoint", all, StringComparison.Ordinal);
        Assert.Contains("metrics.otlpProtocol", all, StringComparison.Ordinal);
        Assert.Contains("metrics.otlpIntervalSeconds", all, StringComparison.Ordinal);
        Assert.Contains("metrics.port: unknown setting", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_FromEnvironment_Apply()
    {
        var env = new Dictionary<string, string>
        {
            ["FILTERPROXY__metrics__enabled"] = "false",
            ["FILTERPROXY__metrics__otlpEndpoint"] = "http://127.0.0.1:4318",
            ["FILTERPROXY__metrics__otlpProtocol"] = "grpc",
        };

        CompiledConfig c = PolicyCompiler.Compile(ConfigLoader.Load(null, env));

        Assert.False(c.Settings.Metrics.Enabled);
        Assert.Equal(new Uri("http://127.0.0.1:4318"), c.Settings.Metrics.OtlpEndpoint);
        Assert.Equal("grpc", c.Settings.Metrics.OtlpProtocol);
    }
}
