using System.Collections.Concurrent;
using System.Net;
using FilterProxy.Core.Identity;
using FilterProxy.Identity.Sessions;

namespace FilterProxy.Identity.Directory;

/// <summary>
/// Who is behind an address, for every path (HTTP, tunnels, DNS): the session bound to it (portal, proxy
/// authentication, trusted header), else the device's owner (fixed address, then DHCP lease); the device whenever it
/// is known. The answer is cached per address until the directory or the sessions change, so a lookup on the hot
/// path is one dictionary read and no allocation.
/// </summary>
public sealed class IdentityResolver(SessionTable sessions, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<IPAddress, Cached> _cache = new();
    private IdentityDirectory _directory = IdentityDirectory.Empty;
    private long _directoryVersion;

    public IdentityDirectory Directory => Volatile.Read(ref _directory);

    public SessionTable Sessions => sessions;

    public void Swap(IdentityDirectory directory)
    {
        Volatile.Write(ref _directory, directory);
        Interlocked.Increment(ref _directoryVersion);
        _cache.Clear();
    }

    /// <summary>The identity of an address now (sessions, devices), without a per-request credential.</summary>
    public ClientIdentity Resolve(IPAddress client) => IsEmpty ? ClientIdentity.Unknown : Lookup(client, time.GetUtcNow());

    /// <summary>No devices, leases or sessions: every address is unknown, without a lookup.</summary>
    private bool IsEmpty => Directory.Settings.Devices.Count == 0 && Directory.LeaseCount == 0 && !sessions.MayHaveAny;

    public ClientIdentity Resolve(IPAddress client, DateTimeOffset now) => IsEmpty ? ClientIdentity.Unknown : Lookup(client, now);

    private ClientIdentity Lookup(IPAddress client, DateTimeOffset now)
    {
        IdentityDirectory directory = Directory;
        long version = sessions.Version + (Volatile.Read(ref _directoryVersion) << 32);
        SessionBinding? session = sessions.Find(client, now);
        if (session is not null)
        {
            sessions.Touch(client, now);
        }

        if (_cache.TryGetValue(client, out Cached? cached) && cached.Version == version && cached.Session == session
            && cached.Until > now)
        {
            return cached.Identity;
        }

        ClientIdentity identity = Build(directory, client, session, now);
        if (_cache.Count > 200_000)
        {
            _cache.Clear();
        }

        _cache[client] = new Cached(version, session, identity, now + CacheFor); // leases end: look again now and then
        return identity;
    }

    /// <summary>The identity for a person the request itself names (proxy authentication, trusted header).</summary>
    public ClientIdentity ForUser(IPAddress client, Person person, IdentitySource source, DateTimeOffset now)
    {
        IdentityDirectory directory = Directory;
        Device? device = directory.DeviceAt(client, now, out _);
        Person merged = Merge(directory.FindPerson(person.UserName), person);
        return new ClientIdentity(device, merged, source, directory.Settings.ProfileOf(merged, directory.Strictness) ?? device?.Profile, merged.Vulnerable);
    }

    private static ClientIdentity Build(IdentityDirectory directory, IPAddress client, SessionBinding? session, DateTimeOffset now)
    {
        Device? device = directory.DeviceAt(client, now, out IdentitySource deviceSource);
        if (session is not null)
        {
            Person person = directory.FindPerson(session.User) is { } known
                ? known with { Vulnerable = known.Vulnerable || session.Vulnerable }
                : new Person { UserName = session.User, DisplayName = session.DisplayName, Profile = session.Profile, Vulnerable = session.Vulnerable };
            string? profile = session.Profile ?? directory.Settings.ProfileOf(person, directory.Strictness);
            return new ClientIdentity(device, person, session.Source, profile ?? device?.Profile, person.Vulnerable);
        }

        if (device is null)
        {
            return ClientIdentity.Unknown;
        }

        Person? owner = device.Owner is { } o ? directory.FindPerson(o) ?? new Person { UserName = o } : null;
        string? ownerProfile = owner is null ? null : directory.Settings.ProfileOf(owner, directory.Strictness);
        return new ClientIdentity(device, owner, deviceSource, device.Profile ?? ownerProfile, owner?.Vulnerable ?? false);
    }

    /// <summary>The import's record (role, year, flags) with what the directory adds (display name, groups).</summary>
    private static Person Merge(Person? imported, Person signedIn) => imported is null
        ? signedIn
        : imported with
        {
            DisplayName = imported.DisplayName ?? signedIn.DisplayName,
            Groups = signedIn.Groups,
            Vulnerable = imported.Vulnerable || signedIn.Vulnerable,
        };

    private sealed record Cached(long Version, SessionBinding? Session, ClientIdentity Identity, DateTimeOffset Until);
}
