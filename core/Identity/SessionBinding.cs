using System.Net;

namespace FilterProxy.Core.Identity;

/// <summary>
/// An address bound to a person for a while (portal sign-in, proxy authentication, an SSO agent's header). Lives in
/// the store so every gateway node sees it, and expires by itself: at <see cref="Expires"/>, or after
/// <see cref="IdleSeconds"/> without use when set.
/// </summary>
public sealed record SessionBinding
{
    public required string Client { get; init; }
    public required string User { get; init; }
    public required IdentitySource Source { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required DateTimeOffset Expires { get; init; }
    /// <summary>Idle timeout in seconds (0: none): the session ends this long after <see cref="LastSeen"/>.</summary>
    public int IdleSeconds { get; init; }
    public DateTimeOffset LastSeen { get; init; }
    /// <summary>A random token naming this binding (the portal's cookie; a replaced binding has a new one).</summary>
    public string? Token { get; init; }
    /// <summary>What the sign-in learnt, so every node can filter and log without asking the directory again.</summary>
    public string? DisplayName { get; init; }
    public string? Profile { get; init; }
    public bool Vulnerable { get; init; }

    public DateTimeOffset EndsAt => EndsAfter(LastSeen);

    /// <summary>When the session ends if it was last used at <paramref name="lastSeen"/>: idle timeout or expiry, whichever is first.</summary>
    public DateTimeOffset EndsAfter(DateTimeOffset lastSeen) =>
        IdleSeconds > 0 && lastSeen.AddSeconds(IdleSeconds) < Expires ? lastSeen.AddSeconds(IdleSeconds) : Expires;

    public bool IsLive(DateTimeOffset now) => now < EndsAt;

    public static string KeyOf(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}

/// <summary>Where bindings live: the event store's database (SQLite) or Redis, shared by every node.</summary>
public interface ISessionStore
{
    /// <summary>Create or replace the binding for its client address.</summary>
    Task SetAsync(SessionBinding binding, CancellationToken cancellationToken = default);

    /// <summary>Remove the binding for an address (sign-out); false if there was none.</summary>
    Task<bool> RemoveAsync(string client, CancellationToken cancellationToken = default);

    /// <summary>Every binding still live at <paramref name="now"/> (expired ones are not returned and may be purged).</summary>
    Task<IReadOnlyList<SessionBinding>> LiveAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
