namespace FilterProxy.Core.Identity;

/// <summary>
/// Who is behind a client address, as resolved for one request or query: the device (registry, lease), the person
/// (session, device owner), the profile their identity implies, and how it was established. Built once per change
/// and shared, so the hot paths only read it.
/// </summary>
public sealed class ClientIdentity
{
    public static readonly ClientIdentity Unknown = new(null, null, IdentitySource.None, null, false);

    public ClientIdentity(Device? device, Person? person, IdentitySource source, string? profile, bool vulnerable, string? user = null)
    {
        Device = device;
        Person = person;
        Source = source;
        User = person?.UserName ?? user;
        Profile = profile;
        Vulnerable = vulnerable;
        SourceName = IdentitySources.Name(source);
        Confidence = IdentitySources.Confidence(source, User is not null);
    }

    public Device? Device { get; }
    public Person? Person { get; }
    public string? User { get; }
    public IdentitySource Source { get; }
    /// <summary>The profile the identity implies (person, else device), or null to let the client's group decide.</summary>
    public string? Profile { get; }
    public bool Vulnerable { get; }
    public string SourceName { get; }
    public string Confidence { get; }
    public string? DeviceLabel => Device?.Label;
}
