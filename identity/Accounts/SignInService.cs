using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Accounts;

/// <summary>
/// Every password check (proxy authentication, the portal) goes through here:
/// <list type="bullet">
/// <item>a success is cached for <see cref="IdentitySettings.AuthCache"/> under (user, SHA-256 of the password), so a
/// browser's parallel requests cost one directory bind and a directory outage does not sign out whoever signed in;</item>
/// <item>identical checks in flight share one bind;</item>
/// <item>after <see cref="IdentitySettings.LockoutFailures"/> failures for a user name within the lockout window, the
/// name is locked for that window (a right password too), so guessing is slow;</item>
/// <item>local accounts first (mode local/any), then the directory (ldap/any).</item>
/// </list>
/// </summary>
public sealed class SignInService(Func<IdentitySettings> settings, LocalAccounts local, LdapDirectory? ldap, TimeProvider time)
{
    private volatile Checkers _checkers = new(local, ldap);

    private readonly ConcurrentDictionary<string, CachedSuccess> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<AuthResult>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>New accounts or directory settings (a policy reload): cached sign-ins are forgotten.</summary>
    public void Reconfigure(LocalAccounts accounts, LdapDirectory? directory)
    {
        _checkers = new Checkers(accounts, directory);
        _cache.Clear();
    }

    public async Task<AuthResult> SignInAsync(string user, string password, ProxyAuthMode mode)
    {
        IdentitySettings s = settings();
        DateTimeOffset now = time.GetUtcNow();
        if (mode == ProxyAuthMode.Off || user.Length == 0 || password.Length == 0 || user.Length > 256 || password.Length > 1024)
        {
            return AuthResult.Wrong;
        }

        if (IsLocked(user, now, s))
        {
            return AuthResult.Locked;
        }

        string key = $"{(int)mode}|{user.ToLowerInvariant()}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(password)))}";
        if (_cache.TryGetValue(key, out CachedSuccess? hit) && hit.Until > now)
        {
            return hit.Result;
        }

        Lazy<Task<AuthResult>> check = _inFlight.GetOrAdd(key, _ => new Lazy<Task<AuthResult>>(() => CheckAsync(user, password, mode, CancellationToken.None)));
        AuthResult result;
        try
        {
            result = await check.Value.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<AuthResult>>>(key, check));
        }

        switch (result.Outcome)
        {
            case AuthOutcome.Success:
                _failures.TryRemove(user, out _);
                if (s.AuthCache > TimeSpan.Zero)
                {
                    _cache[key] = new CachedSuccess(result, now + s.AuthCache);
                    Trim(now);
                }

                break;
            case AuthOutcome.WrongPassword:
                RecordFailure(user, now, s);
                break;
        }

        return result;
    }

    /// <summary>
    /// A person's directory entry without a password (a trusted SSO header names them): cached like a sign-in; null when
    /// there is no directory, the name is not in it, or it cannot be reached (then the client's group decides the profile).
    /// </summary>
    public async Task<Person?> LookupAsync(string user)
    {
        if (_checkers.Ldap is not { } ldap || user.Length is 0 or > 256)
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        string key = "lookup|" + user.ToLowerInvariant();
        if (_cache.TryGetValue(key, out CachedSuccess? hit) && hit.Until > now)
        {
            return hit.Result.Person;
        }

        AuthResult result = await ldap.LookupAsync(user, CancellationToken.None).ConfigureAwait(false);
        if (result.Outcome != AuthOutcome.Success)
        {
            return null;
        }

        _cache[key] = new CachedSuccess(result, now + settings().AuthCache);
        return result.Person;
    }

    private async Task<AuthResult> CheckAsync(string user, string password, ProxyAuthMode mode, CancellationToken cancellationToken)
    {
        (LocalAccounts local, LdapDirectory? ldap) = _checkers;
        if (mode is ProxyAuthMode.Local or ProxyAuthMode.Any && local.Has(user))
        {
            return await local.CheckAsync(user, password).ConfigureAwait(false);
        }

        if (mode is ProxyAuthMode.Ldap or ProxyAuthMode.Any && ldap is not null)
        {
            return await ldap.CheckAsync(user, password, cancellationToken).ConfigureAwait(false);
        }

        // Unknown local user: still pay for a hash, so a wrong name and a wrong password look alike.
        return await local.CheckAsync(user, password).ConfigureAwait(false);
    }

    public bool IsLocked(string user, DateTimeOffset now, IdentitySettings s) =>
        _failures.TryGetValue(user, out Failures? f) && f.IsLocked(now, s);

    private void RecordFailure(string user, DateTimeOffset now, IdentitySettings s)
    {
        Failures f = _failures.GetOrAdd(user, static _ => new Failures());
        f.Add(now, s);
        if (_failures.Count > 100_000)
        {
            foreach ((string name, Failures old) in _failures)
            {
                if (!old.IsRecent(now, s))
                {
                    _failures.TryRemove(name, out _);
                }
            }
        }
    }

    private void Trim(DateTimeOffset now)
    {
        if (_cache.Count < 50_000)
        {
            return;
        }

        foreach ((string k, CachedSuccess v) in _cache)
        {
            if (v.Until <= now)
            {
                _cache.TryRemove(k, out _);
            }
        }
    }

    private sealed record Checkers(LocalAccounts Local, LdapDirectory? Ldap);

    private sealed record CachedSuccess(AuthResult Result, DateTimeOffset Until);

    private sealed class Failures
    {
        private readonly Queue<DateTimeOffset> _times = new();
        private readonly Lock _gate = new();

        public void Add(DateTimeOffset now, IdentitySettings s)
        {
            lock (_gate)
            {
                _times.Enqueue(now);
                Expire(now, s);
            }
        }

        public bool IsLocked(DateTimeOffset now, IdentitySettings s)
        {
            lock (_gate)
            {
                Expire(now, s);
                return _times.Count >= s.LockoutFailures;
            }
        }

        public bool IsRecent(DateTimeOffset now, IdentitySettings s)
        {
            lock (_gate)
            {
                Expire(now, s);
                return _times.Count > 0;
            }
        }

        private void Expire(DateTimeOffset now, IdentitySettings s)
        {
            while (_times.Count > 0 && now - _times.Peek() >= s.LockoutWindow)
            {
                _times.Dequeue();
            }
        }
    }
}
