using System.Net;
using FilterProxy.Core.Domains;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http.Destinations;

/// <summary>
/// The addresses of the services this gateway itself uses (the Redis event store, the LDAP directory, the mail server),
/// so the proxy can refuse them: a device behind the filter must not reach the school's event store. Names are resolved
/// in the background when the policy changes and every five minutes; address literals count at once.
/// </summary>
internal sealed class ServiceHosts(PolicySnapshotHolder snapshots, TimeProvider time)
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromMinutes(5);
    private volatile State _state = new(null, [], long.MinValue);
    private int _resolving;

    private sealed record State(PolicySnapshot? Snapshot, HashSet<IPAddress> Addresses, long ReadAt);

    public bool Contains(IPAddress address)
    {
        PolicySnapshot snapshot = snapshots.Current;
        State state = _state;
        if (!ReferenceEquals(state.Snapshot, snapshot) || time.GetElapsedTime(state.ReadAt) > s_refresh)
        {
            Refresh(snapshot, state);
        }

        return _state.Addresses.Contains(address);
    }

    /// <summary>The host names or addresses of the configured services.</summary>
    public static IEnumerable<string> Hosts(PolicySnapshot snapshot)
    {
        if (snapshot.Settings.Events.Redis is { } redis)
        {
            foreach (string part in redis.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!part.Contains('=', StringComparison.Ordinal))
                {
                    yield return HostOf(part);
                }
            }
        }

        if (snapshot.Identity.Ldap?.Url.Host is { Length: > 0 } ldap)
        {
            yield return ldap;
        }

        if (snapshot.Settings.Events.Alerts.Email?.SmtpHost is { Length: > 0 } smtp)
        {
            yield return smtp;
        }
    }

    private void Refresh(PolicySnapshot snapshot, State previous)
    {
        List<string> hosts = [.. Hosts(snapshot)];
        var literals = new HashSet<IPAddress>(previous.Addresses);
        foreach (string host in hosts)
        {
            if (IPAddress.TryParse(HostName.WithoutBrackets(host), out IPAddress? literal))
            {
                literals.Add(Normal(literal));
            }
        }

        // Literals apply at once; names are looked up off the request path, one lookup round at a time.
        _state = new State(snapshot, literals, time.GetTimestamp());
        if (Interlocked.Exchange(ref _resolving, 1) == 0)
        {
            _ = ResolveAsync(snapshot, hosts);
        }
    }

    private async Task ResolveAsync(PolicySnapshot snapshot, List<string> hosts)
    {
        try
        {
            var addresses = new HashSet<IPAddress>();
            foreach (string host in hosts)
            {
                string h = HostName.WithoutBrackets(host);
                if (IPAddress.TryParse(h, out IPAddress? literal))
                {
                    addresses.Add(Normal(literal));
                    continue;
                }

                try
                {
                    foreach (IPAddress a in await System.Net.Dns.GetHostAddressesAsync(h).ConfigureAwait(false))
                    {
                        addresses.Add(Normal(a));
                    }
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Not resolvable now: tried again at the next refresh.
                }
            }

            _state = new State(snapshot, addresses, time.GetTimestamp());
        }
        finally
        {
            Volatile.Write(ref _resolving, 0);
        }
    }

    private static IPAddress Normal(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private static string HostOf(string endpoint)
    {
        if (endpoint.StartsWith('['))
        {
            int close = endpoint.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? endpoint[1..close] : endpoint;
        }

        int colon = endpoint.LastIndexOf(':');
        return colon > 0 && endpoint.IndexOf(':', StringComparison.Ordinal) == colon ? endpoint[..colon] : endpoint;
    }
}
