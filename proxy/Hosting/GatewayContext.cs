namespace FilterProxy.Hosting;

/// <summary>Where the gateway's policy comes from: the config file (or none) and the environment overrides.</summary>
internal sealed record GatewayContext(string? ConfigPath, IReadOnlyDictionary<string, string> Environment);
