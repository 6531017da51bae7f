using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;

namespace FilterProxy.Http.Search;

/// <summary>
/// Safe search over HTTP (plain or intercepted): Google's <c>safe=active</c>, Bing's <c>adlt=strict</c> and
/// DuckDuckGo's <c>kp=1</c> are forced into the query string (replacing what the user sent), YouTube gets the
/// <c>YouTube-Restrict</c> header. Account controls: <c>X-GoogApps-Allowed-Domains</c> to Google and
/// Microsoft's tenant restriction headers to its sign-in hosts, when configured. Without interception the DNS
/// server enforces safe search by CNAME instead.
/// </summary>
internal static class SafeSearchRewrite
{
    private static readonly string[] s_microsoftLogin = ["login.microsoftonline.com", "login.microsoft.com", "login.windows.net"];

    /// <summary>The path and query to send upstream (unchanged unless a search parameter must be forced).</summary>
    public static string PathAndQuery(in Decision decision, string pathAndQuery)
    {
        if (decision.Verdict != Verdict.AllowWithSafeSearch)
        {
            return pathAndQuery;
        }

        return decision.SafeSearchEngine switch
        {
            SearchEngine.Google => Force(pathAndQuery, "safe", "active"),
            SearchEngine.Bing => Force(pathAndQuery, "adlt", "strict"),
            SearchEngine.DuckDuckGo => Force(pathAndQuery, "kp", "1"),
            _ => pathAndQuery,
        };
    }

    /// <summary>Headers to add (or replace) on the upstream request.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Headers(in Decision decision, string host, HttpSettings settings)
    {
        List<KeyValuePair<string, string>>? headers = null;
        if (decision.Verdict == Verdict.AllowWithSafeSearch && decision.SafeSearchEngine == SearchEngine.YouTube)
        {
            (headers ??= []).Add(new("YouTube-Restrict", decision.SafeSearchLevel == SafeSearchLevel.Strict ? "Strict" : "Moderate"));
        }

        if (settings.GoogleAllowedDomains.Count > 0 && (host.EndsWith(".google.com", StringComparison.OrdinalIgnoreCase) || host.Equals("google.com", StringComparison.OrdinalIgnoreCase)))
        {
            (headers ??= []).Add(new("X-GoogApps-Allowed-Domains", string.Join(",", settings.GoogleAllowedDomains)));
        }

        if (settings.MicrosoftTenants.Count > 0 && s_microsoftLogin.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            (headers ??= []).Add(new("Restrict-Access-To-Tenants", string.Join(",", settings.MicrosoftTenants)));
            if (settings.MicrosoftTenantContext is { } context)
            {
                (headers ??= []).Add(new("Restrict-Access-Context", context));
            }
        }

        return (IEnumerable<KeyValuePair<string, string>>?)headers ?? [];
    }

    /// <summary>Sets name=value in the query, removing any value the user gave (case-insensitively).</summary>
    internal static string Force(string pathAndQuery, string name, string value)
    {
        int q = pathAndQuery.IndexOf('?');
        string path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        string query = q < 0 ? "" : pathAndQuery[(q + 1)..];
        var kept = new List<string>();
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = eq < 0 ? pair : pair[..eq];
            if (!key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                kept.Add(pair);
            }
        }

        kept.Add($"{name}={value}");
        return $"{path}?{string.Join('&', kept)}";
    }
}
