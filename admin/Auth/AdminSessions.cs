using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FilterProxy.Admin.Auth;

/// <summary>
/// Admin sessions kept on the server (the cookie carries only a random key): signing out removes the session, so a copy
/// of the old cookie no longer works. Held in memory, bounded; a restart of the admin host signs everyone out.
/// </summary>
public sealed class AdminSessions(TimeProvider time) : ITicketStore
{
    /// <summary>More open sessions than a school's staff could hold; past it the oldest are dropped.</summary>
    public const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _sessions = new(StringComparer.Ordinal);

    private sealed record Entry(AuthenticationTicket Ticket, DateTimeOffset Expires);

    public int Count => _sessions.Count;

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        if (_sessions.Count >= MaxSessions)
        {
            Trim();
        }

        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _sessions[key] = new Entry(ticket, Expiry(ticket));
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        if (_sessions.ContainsKey(key))
        {
            _sessions[key] = new Entry(ticket, Expiry(ticket));
        }

        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (_sessions.TryGetValue(key, out Entry? entry))
        {
            if (entry.Expires > time.GetUtcNow())
            {
                return Task.FromResult<AuthenticationTicket?>(entry.Ticket);
            }

            _sessions.TryRemove(key, out _);
        }

        return Task.FromResult<AuthenticationTicket?>(null);
    }

    public Task RemoveAsync(string key)
    {
        _sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    /// <summary>Ends every session of one account (disabled, removed, or its password changed).</summary>
    public void RemoveAccount(string userName)
    {
        foreach ((string key, Entry entry) in _sessions)
        {
            if (string.Equals(entry.Ticket.Principal.Identity?.Name, userName, StringComparison.OrdinalIgnoreCase))
            {
                _sessions.TryRemove(key, out _);
            }
        }
    }

    private DateTimeOffset Expiry(AuthenticationTicket ticket)
    {
        DateTimeOffset cap = time.GetUtcNow().AddHours(AdminSignIn.MaximumHours);
        return ticket.Properties.ExpiresUtc is { } expires && expires < cap ? expires : cap;
    }

    private void Trim()
    {
        DateTimeOffset now = time.GetUtcNow();
        foreach ((string key, Entry entry) in _sessions)
        {
            if (entry.Expires <= now)
            {
                _sessions.TryRemove(key, out _);
            }
        }

        foreach ((string key, _) in _sessions.OrderBy(static p => p.Value.Expires).Take(Math.Max(0, _sessions.Count - (MaxSessions * 9 / 10))))
        {
            _sessions.TryRemove(key, out _);
        }
    }

    /// <summary>Wires the store into the cookie scheme's options.</summary>
    internal static void Configure(CookieAuthenticationOptions options, AdminSessions sessions) => options.SessionStore = sessions;
}
