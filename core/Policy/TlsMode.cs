namespace FilterProxy.Core.Policy;

/// <summary>How a profile's HTTPS is handled when it is not blocked.</summary>
public enum TlsMode : byte
{
    /// <summary>No decryption: filter on the SNI name only.</summary>
    Splice,
    /// <summary>Terminate TLS with a certificate from the school CA to see URLs, search terms and content.</summary>
    Intercept,
}
