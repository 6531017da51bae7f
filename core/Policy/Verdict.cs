namespace FilterProxy.Core.Policy;

/// <summary>What happens to the request.</summary>
public enum Verdict : byte
{
    Allow,
    Block,
    /// <summary>Allowed, with the search engine's safe mode enforced (CNAME for DNS, rewrite/header for HTTP).</summary>
    AllowWithSafeSearch,
}
