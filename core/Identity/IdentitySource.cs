namespace FilterProxy.Core.Identity;

/// <summary>How the gateway knows who is behind an address; stored on every event with its confidence.</summary>
public enum IdentitySource
{
    /// <summary>Nothing identifies the client: reported as unknown, never guessed.</summary>
    None,
    /// <summary>A device registered with a fixed address (the user, if any, is the device's owner).</summary>
    Static,
    /// <summary>A device found through a DHCP lease (address → MAC → registered device).</summary>
    Dhcp,
    /// <summary>Proxy authentication (Proxy-Authorization: Basic, checked by LDAP bind or a local account).</summary>
    ProxyAuth,
    /// <summary>The captive portal's sign-in, bound to the address for a session.</summary>
    Portal,
    /// <summary>A trusted identity header from a configured upstream agent (SSO).</summary>
    Header,
}

public static class IdentitySources
{
    public static string Name(IdentitySource source) => source switch
    {
        IdentitySource.Static => "static",
        IdentitySource.Dhcp => "dhcp",
        IdentitySource.ProxyAuth => "proxy-auth",
        IdentitySource.Portal => "portal",
        IdentitySource.Header => "header",
        _ => "none",
    };

    public static bool TryParse(string? text, out IdentitySource source)
    {
        foreach (IdentitySource s in Enum.GetValues<IdentitySource>())
        {
            if (string.Equals(Name(s), text, StringComparison.OrdinalIgnoreCase))
            {
                source = s;
                return true;
            }
        }

        source = IdentitySource.None;
        return false;
    }

    /// <summary>
    /// How far the user named can be trusted: a password the person typed (proxy-auth, portal) or an SSO agent is high;
    /// a device's registered owner is medium on a fixed address and low through a lease (anyone may be using it).
    /// </summary>
    public static string Confidence(IdentitySource source, bool hasUser) => source switch
    {
        IdentitySource.ProxyAuth or IdentitySource.Portal or IdentitySource.Header => "high",
        IdentitySource.Static => hasUser ? "medium" : "high",
        IdentitySource.Dhcp => hasUser ? "low" : "medium",
        _ => "none",
    };
}
