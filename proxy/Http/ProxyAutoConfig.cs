namespace FilterProxy.Http;

/// <summary>
/// The PAC file for WPAD/browsers: local names and private addresses go direct; everything else through this
/// gateway (no "DIRECT" fall-back: if the gateway is down, the web is, which is the fail-closed choice).
/// </summary>
internal static class ProxyAutoConfig
{
    public static string Script(string gatewayHost, int port)
    {
        string proxy = $"{(gatewayHost.Contains(':') ? $"[{gatewayHost}]" : gatewayHost)}:{port}";
        return $$"""
            function FindProxyForURL(url, host) {
              if (isPlainHostName(host) || host === "localhost" ||
                  isInNet(host, "127.0.0.0", "255.0.0.0") || isInNet(host, "10.0.0.0", "255.0.0.0") ||
                  isInNet(host, "172.16.0.0", "255.240.0.0") || isInNet(host, "192.168.0.0", "255.255.0.0")) {
                return "DIRECT";
              }
              return "PROXY {{proxy}}";
            }

            """;
    }
}
