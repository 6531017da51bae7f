using FilterProxy.Core.Networks;

namespace FilterProxy.Core.Policy;

/// <summary>Client networks that share a profile (later also users and devices).</summary>
public sealed record ClientGroup(string Name, Profile Profile, IReadOnlyList<IpNetwork> Networks);
