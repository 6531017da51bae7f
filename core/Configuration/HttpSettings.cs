using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

/// <summary>
/// The HTTP/HTTPS proxy's settings. Each default is chosen for a school network and documented in the README.
/// </summary>
public sealed record HttpSettings
{
    /// <summary>
    /// Hosts never decrypted, whatever the profile says: banking, health and apps that pin their certificates
    /// (interception would break them, and decrypting them is not proportionate).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultNeverIntercept =
    [
        "nhs.uk", "hsbc.co.uk", "barclays.co.uk", "lloydsbank.co.uk", "natwest.com", "santander.co.uk", "nationwide.co.uk",
        "monzo.com", "starlingbank.com", "paypal.com", "apple.com", "icloud.com", "mzstatic.com", "windowsupdate.com",
        "update.microsoft.com", "login.microsoftonline.com", "pinning-test.badssl.com",
    ];

    /// <summary>Check the text of HTML, text and JSON responses (plain HTTP and intercepted HTTPS) with the content classifier.</summary>
    public bool ContentCheck { get; init; } = true;

    public IReadOnlyList<string> NeverInterceptEntries { get; init; } = DefaultNeverIntercept;

    /// <summary>
    /// Where AI chat services take the prompts pupils type ("host/path-prefix"; a host covers its subdomains): a JSON
    /// POST there has its prompt read and scored like a search term. http.aiChatEndpoints adds to these.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultAiChatEndpoints =
    [
        "chatgpt.com/backend-api/conversation", "chatgpt.com/backend-anon/conversation", "chat.openai.com/backend-api/conversation",
        "api.openai.com/v1/chat/completions", "api.openai.com/v1/responses", "api.openai.com/v1/completions",
        "generativelanguage.googleapis.com/v1beta/models", "generativelanguage.googleapis.com/v1/models",
        "copilot.microsoft.com/c/api", "claude.ai/api/organizations", "api.anthropic.com/v1/messages",
        "character.ai/chat", "neo.character.ai/ws", "perplexity.ai/rest/sse/perplexity_ask", "meta.ai/api/graphql", "poe.com/api/gql_POST",
        "chat.mistral.ai/api/chat", "chat.deepseek.com/api/v0/chat/completion", "grok.com/rest/app-chat",
    ];

    /// <summary>The AI chat endpoints in force: the built-in ones and the configuration's.</summary>
    public IReadOnlyList<string> AiChatEndpoints { get; init; } = DefaultAiChatEndpoints;
    internal RuleSet<PolicyRule> NeverIntercept { get; init; } = RuleSet<PolicyRule>.Empty;

    /// <summary>The never-intercept entry that covers this host (and its parents), or null.</summary>
    public string? NeverInterceptEntryFor(ReadOnlySpan<char> host)
    {
        if (!Domains.HostName.TryPrepare(host, out ReadOnlySpan<char> prepared, out bool isIp))
        {
            return null;
        }

        var all = default(AcceptAll<PolicyRule>);
        return NeverIntercept.Find(prepared, isIp, default, default, ref all)?.Pattern;
    }
    /// <summary>Time to connect to an origin before the client gets a 504 page.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How much of an HTML/text/JSON body (decompressed) the content check reads before it decides.</summary>
    public int ScanMaxBytes { get; init; } = 256 * 1024;
    /// <summary>Time the content check may take; past it the profile's onScanFailure applies.</summary>
    public TimeSpan ScanTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Open connections one client address may hold (a browser uses 6–20; a whole NATed classroom more).</summary>
    public int MaxConnectionsPerClient { get; init; } = 512;
    /// <summary>A spliced tunnel with no bytes either way for this long is closed (squid's read_timeout is 15 minutes).</summary>
    public TimeSpan TunnelIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>After a failed interception (the client rejects the school CA, e.g. certificate pinning), splice that host for this long.</summary>
    public TimeSpan InterceptFallback { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Sent as X-GoogApps-Allowed-Domains to Google so only these Google Workspace domains can sign in (off when empty).</summary>
    public IReadOnlyList<string> GoogleAllowedDomains { get; init; } = [];
    /// <summary>Sent as Restrict-Access-To-Tenants to Microsoft sign-in (off when empty).</summary>
    public IReadOnlyList<string> MicrosoftTenants { get; init; } = [];
    public string? MicrosoftTenantContext { get; init; }
    /// <summary>Extra CA certificates (PEM files) trusted for origins, beside the system's.</summary>
    public IReadOnlyList<string> TrustedUpstreamCaFiles { get; init; } = [];
    /// <summary>Weighted phrase list files for the content check (besides the built-in one).</summary>
    public IReadOnlyList<string> PhraseLists { get; init; } = [];
    /// <summary>A content model trained with <c>classifier train</c> instead of the shipped one (null: shipped).</summary>
    public string? ContentModel { get; init; }
    /// <summary>A search-risk model trained with <c>classifier train --kind search</c> instead of the shipped one.</summary>
    public string? SearchModel { get; init; }

    /// <summary>
    /// Addresses the proxy may connect to although they are internal (loopback, link-local, the gateway's own or its
    /// services' addresses). Empty by default: a pupil's device must never reach the gateway's admin port, its Redis or
    /// anything else on the gateway through the proxy. The gateway's own listening ports stay refused even when listed.
    /// </summary>
    public IReadOnlyList<Networks.IpNetwork> AllowInternalDestinations { get; init; } = [];
    /// <summary>Further networks the proxy never connects to (e.g. the school's management VLAN).</summary>
    public IReadOnlyList<Networks.IpNetwork> RefuseDestinations { get; init; } = [];
    /// <summary>Refuse the addresses of the services this gateway uses (event store, directory, mail server). On by default.</summary>
    public bool RefuseServiceHosts { get; init; } = true;
}
