using System.Collections.Concurrent;
using System.Net;
using System.Text;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;
using FilterProxy.Identity.Accounts;

namespace FilterProxy.Identity;

/// <summary>
/// Establishes who a request or tunnel is from, per the sign-in rule of the client's network:
/// <list type="number">
/// <item>a trusted identity header, believed only from the rule's <c>trustedHeaderFrom</c> addresses (an SSO agent);
/// from anyone else it is ignored and logged; either way it is removed before the request goes on;</item>
/// <item>proxy authentication (<c>Proxy-Authorization: Basic</c>) on the explicit proxy, checked by <see cref="SignInService"/>;
/// wrong → 407, locked → 407 saying so, directory down → refused (fail closed); required and absent → 407;</item>
/// <item>otherwise the address's session or device (<see cref="Directory.IdentityResolver"/>); in a portal network an
/// unidentified client gets the strictest profile, and its plain HTTP is sent to the sign-in page.</item>
/// </list>
/// A successful sign-in or header also binds the address (so DNS and other nodes see the person), unless it already is.
/// </summary>
internal sealed class RequestIdentifier(IdentityStack identity, PolicySnapshotHolder policy, TimeProvider time, ILogger<RequestIdentifier> logger)
{
    // A browser repeats the same Proxy-Authorization on every request: the identity it established is kept per
    // (header, address) for the sign-in cache's lifetime, so a request does not decode, hash and rebuild it each time.
    private readonly ConcurrentDictionary<(string Header, IPAddress Client), SignedIn> _signedIn = new();

    public const string ProxyAuthorization = "Proxy-Authorization";

    /// <summary>For tests and benchmarks: identity with nothing configured beyond the policy, sessions in memory.</summary>
    public static RequestIdentifier InMemory(PolicySnapshotHolder policy, TimeProvider time) => new(
        IdentityStack.CreateAsync(policy, new FilterProxy.Identity.Sessions.MemorySessionStore(), time).GetAwaiter().GetResult(),
        policy, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<RequestIdentifier>.Instance);

    /// <summary>For one HTTP request (headers available); <paramref name="explicitProxy"/>: the request came to the explicit port.</summary>
    public ValueTask<IdentityCheck> IdentifyAsync(IPAddress client, IHeaderDictionary headers, bool explicitProxy, PortalAction portal)
    {
        PolicySnapshot snapshot = policy.Current;
        SignInRule? rule = snapshot.Identity.SignInFor(client);
        if (rule is null)
        {
            return ValueTask.FromResult(new IdentityCheck(identity.Resolver.Resolve(client)));
        }

        string? headerUser = null;
        if (rule.TrustedHeader is { } name && headers.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values))
        {
            headers.Remove(name);
            if (!rule.TrustsHeaderFrom(client))
            {
                IdentityLog.UntrustedHeader(logger, name);
            }
            else if (values.Count == 1 && values[0] is { Length: > 0 and <= 256 } v && !v.Any(char.IsControl))
            {
                headerUser = v.Trim();
            }
        }

        string? credentials = null;
        if (headers.TryGetValue(ProxyAuthorization, out Microsoft.Extensions.Primitives.StringValues auth))
        {
            headers.Remove(ProxyAuthorization); // never forwarded
            credentials = explicitProxy ? auth.ToString() : null;
        }

        return IdentifyAsync(client, rule, snapshot, headerUser, credentials, explicitProxy, portal);
    }

    /// <summary>
    /// For a DNS query (no credentials, no page to show): the address's session or device; in a portal network an
    /// unidentified client gets the strictest profile. Synchronous and allocation-free once cached.
    /// </summary>
    public ClientIdentity ForQuery(IPAddress client, PolicySnapshot snapshot)
    {
        ClientIdentity resolved = identity.Resolver.Resolve(client);
        if (resolved.User is null && snapshot.Identity.SignIn.Count > 0 && snapshot.Identity.SignInFor(client) is { Portal: true })
        {
            return Strictest(resolved, snapshot);
        }

        return resolved;
    }

    private static ClientIdentity Strictest(ClientIdentity resolved, PolicySnapshot snapshot) =>
        resolved.Device is null ? snapshot.UnknownIdentity : new ClientIdentity(resolved.Device, null, resolved.Source, snapshot.UnknownClientProfile.Name, false);

    /// <summary>For a CONNECT (only its Proxy-Authorization is known).</summary>
    public ValueTask<IdentityCheck> IdentifyConnectAsync(IPAddress client, string? proxyAuthorization)
    {
        PolicySnapshot snapshot = policy.Current;
        SignInRule? rule = snapshot.Identity.SignInFor(client);
        return rule is null
            ? ValueTask.FromResult(new IdentityCheck(identity.Resolver.Resolve(client)))
            : IdentifyAsync(client, rule, snapshot, null, proxyAuthorization, explicitProxy: true, PortalAction.StrictestProfile);
    }

    private async ValueTask<IdentityCheck> IdentifyAsync(IPAddress client, SignInRule rule, PolicySnapshot snapshot, string? headerUser, string? credentials,
        bool explicitProxy, PortalAction portal)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (headerUser is not null)
        {
            Person person = identity.Resolver.Directory.FindPerson(headerUser)
                ?? await identity.SignIn.LookupAsync(headerUser)
                ?? new Person { UserName = headerUser };
            ClientIdentity byHeader = identity.Resolver.ForUser(client, person, IdentitySource.Header, now);
            await BindAsync(client, byHeader, IdentitySource.Header, snapshot.Identity.AuthCache, TimeSpan.Zero);
            return new IdentityCheck(byHeader);
        }

        if (explicitProxy && rule.ProxyAuth != ProxyAuthMode.Off)
        {
            if (credentials is not null)
            {
                if (_signedIn.TryGetValue((credentials, client), out SignedIn? known) && known.Until > now && ReferenceEquals(known.Directory, identity.Resolver.Directory))
                {
                    await BindAsync(client, known.Identity, IdentitySource.ProxyAuth, snapshot.Identity.AuthCache, TimeSpan.Zero);
                    return new IdentityCheck(known.Identity);
                }

                if (!TryParseBasic(credentials, out string? user, out string? password))
                {
                    return new IdentityCheck(ClientIdentity.Unknown, ChallengeKind.ProxyAuth, "The sign-in could not be read (Basic user name and password expected).");
                }

                AuthResult result = await identity.SignIn.SignInAsync(user, password, rule.ProxyAuth);
                switch (result.Outcome)
                {
                    case AuthOutcome.Success:
                        ClientIdentity signedIn = identity.Resolver.ForUser(client, result.Person!, IdentitySource.ProxyAuth, now);
                        await BindAsync(client, signedIn, IdentitySource.ProxyAuth, snapshot.Identity.AuthCache, TimeSpan.Zero);
                        if (_signedIn.Count > 100_000)
                        {
                            _signedIn.Clear();
                        }

                        _signedIn[(credentials, client)] = new SignedIn(signedIn, now + snapshot.Identity.AuthCache, identity.Resolver.Directory);
                        return new IdentityCheck(signedIn);
                    case AuthOutcome.LockedOut:
                        IdentityLog.LockedOut(logger);
                        return new IdentityCheck(ClientIdentity.Unknown, ChallengeKind.LockedOut,
                            $"Too many wrong passwords for this user name. Try again in {snapshot.Identity.LockoutWindow.TotalMinutes:0} minutes, or ask the IT technician.");
                    case AuthOutcome.Unavailable:
                        IdentityLog.DirectoryUnavailable(logger, result.Detail ?? "no detail");
                        return new IdentityCheck(ClientIdentity.Unknown, ChallengeKind.DirectoryDown,
                            "Sign-in is unavailable: the school directory cannot be reached, so nobody can be identified and the internet is closed until it is back. Please tell the IT technician.");
                    default:
                        return new IdentityCheck(ClientIdentity.Unknown, ChallengeKind.ProxyAuth, "The user name or password was not right.");
                }
            }

            if (rule.Required)
            {
                return new IdentityCheck(ClientIdentity.Unknown, ChallengeKind.ProxyAuth, "Please sign in with your school user name and password.");
            }
        }

        ClientIdentity resolved = identity.Resolver.Resolve(client, now);
        if (rule.Portal && resolved.User is null)
        {
            if (portal != PortalAction.StrictestProfile)
            {
                return new IdentityCheck(resolved, portal == PortalAction.Redirect ? ChallengeKind.Portal : ChallengeKind.PortalLink);
            }

            // Unidentified in a portal network: the strictest profile until the person signs in.
            return new IdentityCheck(Strictest(resolved, snapshot));
        }

        return new IdentityCheck(resolved);
    }

    /// <summary>Binds the address to the person unless it already is (a cached sign-in costs no store write).</summary>
    private async Task BindAsync(IPAddress client, ClientIdentity who, IdentitySource source, TimeSpan lifetime, TimeSpan idle)
    {
        DateTimeOffset now = time.GetUtcNow();
        SessionBinding? current = identity.Sessions.Find(client, now);
        if (current is not null && current.User.Equals(who.User, StringComparison.OrdinalIgnoreCase) && current.Source == source
            && current.Expires - now > lifetime / 2)
        {
            return;
        }

        try
        {
            await identity.Sessions.BindAsync(client, who.User!, source, lifetime < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : lifetime, idle,
                who.Person?.DisplayName, who.Profile, who.Vulnerable);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            IdentityLog.BindFailed(logger, ex.Message); // this request is still identified by its own credentials
        }
    }

    private sealed record SignedIn(ClientIdentity Identity, DateTimeOffset Until, Directory.IdentityDirectory Directory);

    public static bool TryParseBasic(string header, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? user, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? password)
    {
        user = password = null;
        string h = header.Trim();
        if (!h.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || h.Length > 4096)
        {
            return false;
        }

        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(h[6..].Trim()));
            int colon = decoded.IndexOf(':');
            if (colon <= 0)
            {
                return false;
            }

            user = decoded[..colon];
            password = decoded[(colon + 1)..];
            return !user.Any(char.IsControl);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
