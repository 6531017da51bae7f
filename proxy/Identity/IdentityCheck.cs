using FilterProxy.Core.Identity;

namespace FilterProxy.Identity;

public enum ChallengeKind
{
    /// <summary>No or wrong credentials on the explicit proxy: 407 with a Basic challenge.</summary>
    ProxyAuth,
    /// <summary>Too many wrong passwords for that user name: 407, saying so.</summary>
    LockedOut,
    /// <summary>The directory cannot check passwords: refused with a clear message (fail closed).</summary>
    DirectoryDown,
    /// <summary>An unidentified client in a portal network, plain HTTP: redirect to the sign-in page.</summary>
    Portal,
    /// <summary>The same, inside an intercepted HTTPS tunnel: 511 with a page that links to the sign-in page.</summary>
    PortalLink,
}

/// <summary>What an unidentified client in a portal network gets on this kind of request.</summary>
public enum PortalAction
{
    /// <summary>Nothing to show a page on (DNS, a spliced tunnel): the strictest profile.</summary>
    StrictestProfile,
    Redirect,
    Link,
}

/// <summary>Who a request is from, or what it must do first (sign in).</summary>
internal readonly record struct IdentityCheck(ClientIdentity Identity, ChallengeKind? Challenge = null, string? Detail = null)
{
    public bool Passed => Challenge is null;
}
