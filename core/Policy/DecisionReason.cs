namespace FilterProxy.Core.Policy;

/// <summary>
/// Which stage of the precedence decided, highest first:
/// sealed lists &gt; suspension &gt; exception &gt; deny &gt; allow &gt; bare address &gt; schedule &gt; category &gt; default.
/// </summary>
public enum DecisionReason : byte
{
    /// <summary>Illegal content (IWF/CTIRU categories): blocked for everyone, always.</summary>
    Sealed,
    /// <summary>The user's (or device's) internet access is suspended.</summary>
    Suspended,
    /// <summary>An approved, current curriculum exception allows it.</summary>
    Exception,
    /// <summary>The profile's deny list.</summary>
    Deny,
    /// <summary>The profile's allow list.</summary>
    Allow,
    /// <summary>A schedule blocks or allows the category at this time.</summary>
    Schedule,
    /// <summary>The profile blocks one of the host's categories.</summary>
    Category,
    /// <summary>Nothing matched: the profile's default action.</summary>
    Default,
    /// <summary>The request could not be read (e.g. an invalid host name): blocked, fail closed.</summary>
    Invalid,
    /// <summary>The request names a bare IP address, and the profile blocks those (after allow, before schedules and categories).</summary>
    Address,
    /// <summary>A help service a child in crisis needs (<see cref="HelpServices"/>): never blocked, except by the sealed lists.</summary>
    HelpService,
}
