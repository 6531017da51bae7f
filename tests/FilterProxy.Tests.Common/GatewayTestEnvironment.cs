namespace FilterProxy.Tests.Common;

/// <summary>
/// Environment overrides that put every gateway listener on a free loopback port (tests never take 3128, 5300,
/// 8080 or 8443, and never reach the machine's resolvers). Copy it and add what a test needs.
/// </summary>
public static class GatewayTestEnvironment
{
    /// <summary>
    /// As <see cref="Strict"/>, and the proxy may connect to 127.0.0.0/8 and ::1 (<c>http.allowInternalDestinations</c>):
    /// the tests' origins live on loopback. The gateway's own ports stay refused whatever is allowed.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Loopback = new Dictionary<string, string>(Strict())
    {
        ["FILTERPROXY__http__allowInternalDestinations__0"] = "127.0.0.0/8",
        ["FILTERPROXY__http__allowInternalDestinations__1"] = "::1/128",
    };

    /// <summary>Free loopback ports, and the proxy's default refusal of loopback and other internal destinations kept.</summary>
    public static Dictionary<string, string> Strict() => new()
    {
        ["FILTERPROXY__listen__address"] = "127.0.0.1",
        ["FILTERPROXY__listen__adminPort"] = "0",
        ["FILTERPROXY__listen__proxyPort"] = "0",
        ["FILTERPROXY__listen__dnsPort"] = "0",
        ["FILTERPROXY__dns__dohPort"] = "0",
        ["FILTERPROXY__dns__upstreams__0"] = "127.0.0.1:9", // discard port: never answers; a test that needs upstreams sets its own
    };

    /// <summary>The loopback overrides plus (or replaced by) <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> With(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(Loopback);
        foreach ((string key, string value) in extra)
        {
            env[key] = value;
        }

        return env;
    }
}
