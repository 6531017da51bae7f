using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Sessions;

/// <summary>
/// This node's view of the address → person bindings. Writes go to the store first (so every node sees them) and
/// then here; <see cref="SyncAsync"/> pulls what other nodes wrote. Lookups are local and lock-free. Use extends an
/// idle session here at once and in the store at most every quarter of its idle timeout, so a busy client is not a
/// store write per request.
/// </summary>
public sealed class SessionTable(ISessionStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<IPAddress, Live> _sessions = new();
    private long _version;

    /// <summary>Changes whenever a binding is added, removed or replaced (resolvers cache against it).</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>False until the first binding arrives: lets lookups skip the table (ConcurrentDictionary.Count takes every lock).</summary>
    public bool MayHaveAny => Volatile.Read(ref _any);

    private bool _any;

    public SessionBinding? Find(IPAddress client, DateTimeOffset now)
    {
        if (!_sessions.TryGetValue(Unmap(client), out Live? live))
        {
            return null;
        }

        if (!live.IsLive(now))
        {
            if (_sessions.TryRemove(new KeyValuePair<IPAddress, Live>(Unmap(client), live)))
            {
                Interlocked.Increment(ref _version);
            }

            return null;
        }

        return live.Binding;
    }

    /// <summary>Marks the session used now; persists the new last-seen time when a quarter of the idle timeout has passed.</summary>
    public void Touch(IPAddress client, DateTimeOffset now)
    {
        if (_sessions.TryGetValue(Unmap(client), out Live? live) && live.Binding.IdleSeconds > 0 && live.Touch(now) is { } persist)
        {
            _ = PersistAsync(persist);
        }
    }

    public async Task<SessionBinding> BindAsync(IPAddress client, string user, IdentitySource source, TimeSpan lifetime, TimeSpan idle,
        string? displayName = null, string? profile = null, bool vulnerable = false)
    {
        DateTimeOffset now = time.GetUtcNow();
        var binding = new SessionBinding
        {
            Client = SessionBinding.KeyOf(client),
            User = user,
            Source = source,
            Created = now,
            LastSeen = now,
            Expires = now + lifetime,
            IdleSeconds = (int)idle.TotalSeconds,
            Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            DisplayName = displayName,
            Profile = profile,
            Vulnerable = vulnerable,
        };
        await store.SetAsync(binding).ConfigureAwait(false);
        Volatile.Write(ref _any, true);
        _sessions[Unmap(client)] = new Live(binding);
        Interlocked.Increment(ref _version);
        return binding;
    }

    public async Task<bool> UnbindAsync(IPAddress client)
    {
        bool removed = await store.RemoveAsync(SessionBinding.KeyOf(client)).ConfigureAwait(false);
        removed |= _sessions.TryRemove(Unmap(client), out _);
        Interlocked.Increment(ref _version);
        return removed;
    }

    /// <summary>Replaces this node's view with the store's live bindings (keeping a newer local last-seen time).</summary>
    public async Task SyncAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        IReadOnlyList<SessionBinding> live = await store.LiveAsync(now, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<IPAddress>();
        bool changed = false;
        foreach (SessionBinding b in live)
        {
            if (!IPAddress.TryParse(b.Client, out IPAddress? address))
            {
                continue;
            }

            seen.Add(address);
            if (_sessions.TryGetValue(address, out Live? mine) && mine.Binding.Token == b.Token)
            {
                mine.Merge(b.LastSeen);
                continue;
            }

            Volatile.Write(ref _any, true);
            _sessions[address] = new Live(b);
            changed = true;
        }

        foreach ((IPAddress address, Live mine) in _sessions)
        {
            if (!seen.Contains(address) && mine.Binding.Created < now - TimeSpan.FromSeconds(2))
            {
                changed |= _sessions.TryRemove(new KeyValuePair<IPAddress, Live>(address, mine)); // signed out or expired elsewhere
            }
        }

        if (changed)
        {
            Interlocked.Increment(ref _version);
        }
    }

    private async Task PersistAsync(SessionBinding binding)
    {
        try
        {
            await store.SetAsync(binding).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The local view already has the new time; the next touch retries. A store outage must not fail a request.
        }
    }

    private static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private sealed class Live(SessionBinding binding)
    {
        private long _lastSeenTicks = binding.LastSeen.UtcTicks;
        private long _persistedTicks = binding.LastSeen.UtcTicks;

        public SessionBinding Binding { get; } = binding;

        public bool IsLive(DateTimeOffset now) => now < Binding.EndsAfter(new DateTimeOffset(Volatile.Read(ref _lastSeenTicks), TimeSpan.Zero));

        public SessionBinding? Touch(DateTimeOffset now)
        {
            Volatile.Write(ref _lastSeenTicks, now.UtcTicks);
            long persisted = Volatile.Read(ref _persistedTicks);
            if (now.UtcTicks - persisted < TimeSpan.TicksPerSecond * Binding.IdleSeconds / 4
                || Interlocked.CompareExchange(ref _persistedTicks, now.UtcTicks, persisted) != persisted)
            {
                return null;
            }

            return Binding with { LastSeen = now };
        }

        public void Merge(DateTimeOffset lastSeen)
        {
            long ticks = lastSeen.UtcTicks;
            long mine;
            while (ticks > (mine = Volatile.Read(ref _lastSeenTicks)) && Interlocked.CompareExchange(ref _lastSeenTicks, ticks, mine) != mine)
            {
            }
        }
    }
}
