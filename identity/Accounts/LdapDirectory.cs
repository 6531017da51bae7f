using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;
using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Accounts;

/// <summary>
/// OpenLDAP or Active Directory over System.DirectoryServices.Protocols: find the user with the service account
/// (or anonymously), bind as the user with the password (the directory checks it), then read the user's groups.
/// An empty password is refused before any bind (LDAP would treat it as an anonymous bind and "succeed").
/// A directory that cannot be reached is <see cref="AuthOutcome.Unavailable"/>, never a success.
/// </summary>
public sealed class LdapDirectory(LdapSettings settings)
{
    public const int InvalidCredentials = 49;

    public Task<AuthResult> CheckAsync(string user, string password, CancellationToken cancellationToken)
    {
        if (password.Length == 0 || user.Length == 0)
        {
            return Task.FromResult(AuthResult.Wrong);
        }

        // The protocol library is synchronous: run it off the request thread, bounded by the connection timeout.
        return Task.Run(() => Check(user, password), cancellationToken);
    }

    /// <summary>The person's directory entry without a password (trusted header, other nodes): null if not found.</summary>
    public Task<AuthResult> LookupAsync(string user, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            try
            {
                using LdapConnection service = Connect();
                BindService(service);
                return Find(service, user) is { } entry ? new AuthResult(AuthOutcome.Success, ToPerson(service, user, entry)) : AuthResult.Wrong;
            }
            catch (Exception ex) when (ex is LdapException or DirectoryOperationException or ObjectDisposedException)
            {
                return new AuthResult(AuthOutcome.Unavailable, Detail: Describe(ex));
            }
        }, cancellationToken);

    private AuthResult Check(string user, string password)
    {
        try
        {
            using LdapConnection service = Connect();
            BindService(service);
            SearchResultEntry? entry = Find(service, user);
            if (entry is null)
            {
                return AuthResult.Wrong;
            }

            using (LdapConnection asUser = Connect())
            {
                try
                {
                    asUser.Bind(new NetworkCredential(entry.DistinguishedName, password));
                }
                catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
                {
                    return AuthResult.Wrong;
                }
            }

            return new AuthResult(AuthOutcome.Success, ToPerson(service, user, entry));
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException or ObjectDisposedException)
        {
            return new AuthResult(AuthOutcome.Unavailable, Detail: Describe(ex));
        }
    }

    private LdapConnection Connect()
    {
        var id = new LdapDirectoryIdentifier(settings.Url.Host, settings.Url.IsDefaultPort ? (settings.Url.Scheme == "ldaps" ? 636 : 389) : settings.Url.Port);
        var connection = new LdapConnection(id) { AuthType = AuthType.Basic, Timeout = settings.Timeout };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.SecureSocketLayer = settings.Url.Scheme == "ldaps";
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        return connection;
    }

    private void BindService(LdapConnection connection)
    {
        if (settings.BindDn is { Length: > 0 } dn)
        {
            connection.Bind(new NetworkCredential(dn, settings.BindPassword ?? ""));
        }
        else
        {
            connection.AuthType = AuthType.Anonymous;
            connection.Bind();
        }
    }

    private SearchResultEntry? Find(LdapConnection connection, string user)
    {
        string filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, settings.UserFilter, Escape(user));
        var request = new SearchRequest(settings.BaseDn, filter, SearchScope.Subtree, settings.DisplayNameAttribute, "cn", "memberOf") { SizeLimit = 2, TimeLimit = settings.Timeout };
        var response = (SearchResponse)connection.SendRequest(request, settings.Timeout);
        // Two entries for one name is ambiguous: refuse rather than pick one.
        return response.Entries.Count == 1 ? response.Entries[0] : null;
    }

    private Person ToPerson(LdapConnection connection, string user, SearchResultEntry entry)
    {
        var groups = new List<string>();
        if (entry.Attributes["memberOf"] is { } memberOf)
        {
            foreach (string dn in memberOf.GetValues(typeof(string)).Cast<string>())
            {
                groups.Add(dn);
                groups.Add(CommonName(dn));
            }
        }

        string filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, settings.GroupFilter, Escape(entry.DistinguishedName), Escape(user));
        var request = new SearchRequest(settings.BaseDn, filter, SearchScope.Subtree, "cn") { SizeLimit = 500, TimeLimit = settings.Timeout };
        var response = (SearchResponse)connection.SendRequest(request, settings.Timeout);
        foreach (SearchResultEntry group in response.Entries)
        {
            groups.Add(group.DistinguishedName);
            groups.Add(CommonName(group.DistinguishedName));
        }

        string? display = entry.Attributes[settings.DisplayNameAttribute]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault()
            ?? entry.Attributes["cn"]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault();
        string[] distinct = [.. groups.Distinct(StringComparer.OrdinalIgnoreCase)];
        return new Person
        {
            UserName = user,
            DisplayName = display,
            Groups = distinct,
            Vulnerable = distinct.Any(g => settings.VulnerableGroups.Contains(g, StringComparer.OrdinalIgnoreCase)),
        };
    }

    /// <summary>"cn=year2,ou=groups,dc=school" → "year2".</summary>
    public static string CommonName(string dn)
    {
        string first = dn.Split(',', 2)[0];
        int eq = first.IndexOf('=');
        return eq > 0 ? first[(eq + 1)..].Trim() : first;
    }

    /// <summary>RFC 4515 filter escaping: a user name can never widen the search.</summary>
    public static string Escape(string value)
    {
        var b = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => b.Append(@"\5c"),
                '*' => b.Append(@"\2a"),
                '(' => b.Append(@"\28"),
                ')' => b.Append(@"\29"),
                '\0' => b.Append(@"\00"),
                _ => b.Append(c),
            };
        }

        return b.ToString();
    }

    private static string Describe(Exception ex) => ex is LdapException l
        ? $"the directory cannot be reached or refused the request (LDAP {l.ErrorCode}: {l.Message.Trim()})"
        : $"the directory failed: {ex.Message}";
}
