using FilterProxy.Core.Configuration;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;

namespace FilterProxy.Hosting;

/// <summary>What the gateway prints at start: every default a new user relies on, and what is live.</summary>
internal static class StartupBanner
{
    public static async Task WriteAsync(TextWriter o, PolicySnapshot s, string? configPath, string adminAddress, Uri adminLocal, System.Net.IPEndPoint dns, Uri? doh, string caPath, long loadMilliseconds, IReadOnlyList<System.Net.IPEndPoint> proxy, FilterProxy.Events.EventStack events, (FilterProxy.Admin.Accounts.AdminAccountStore? Store, string? Error) admin)
    {
        GatewaySettings g = s.Settings;
        string version = typeof(StartupBanner).Assembly.GetName().Version?.ToString(3) ?? "?";
        await o.WriteLineAsync($"FilterProxy {version}: web filtering and monitoring gateway for schools");
        await o.WriteLineAsync($"  config       {configPath ?? $"built-in defaults (no {ConfigLoader.DefaultFileName} here; an example is proxy/filterproxy.example.json, and beside the program)"}");
        await o.WriteLineAsync($"  data         {g.DataDirectory}");
        await o.WriteLineAsync($"  time zone    {s.TimeZone.Id}");
        await o.WriteLineAsync($"  admin + API  {adminAddress}  (GET /healthz, /api/lists, /api/check?url=…&profile=…)");
        await o.WriteLineAsync(admin.Store is not { } accounts ? $"  admin UI     UNAVAILABLE: {admin.Error} (filtering continues)"
            : accounts.NeedsSetup ? $"  admin UI     {adminLocal} — first run: open {new Uri(adminLocal, "/setup")} and create the administrator with the code in {accounts.SetupCodePath}"
            : $"  admin UI     {adminLocal} ({accounts.All.Count} account(s); over HTTPS on the DoH port too, with the school certificate)");
        string pac = proxy[0].Address.Equals(System.Net.IPAddress.Any) || proxy[0].Address.Equals(System.Net.IPAddress.IPv6Any)
            ? $"http://127.0.0.1:{proxy[0].Port}/proxy.pac"
            : $"http://{proxy[0]}/proxy.pac";
        await o.WriteLineAsync($"  proxy        {proxy[0]} explicit HTTP/HTTPS proxy (PAC file: {pac}); unknown clients' HTTPS is {(s.UnknownClientProfile.Tls == TlsMode.Intercept ? "intercepted" : "spliced")}");
        DnsSettings d = g.Dns;
        string upstreams = d.Upstreams.Count == 0 ? "NONE (set dns.upstreams): only blocked and local names are answered" : string.Join(", ", d.Upstreams) + (d.UpstreamsFromSystem ? " (from /etc/resolv.conf)" : "");
        await o.WriteLineAsync($"  dns          {dns} UDP and TCP; blocked names answer {d.BlockResponse.ToString().ToLowerInvariant()}; upstreams {upstreams}");
        await o.WriteLineAsync($"  doh          {(doh is null ? "off (set dns.dohPort)" : doh.ToString())}");
        await o.WriteLineAsync($"  school CA    {caPath} (install page: {new Uri(adminLocal, "/ca")})");
        await o.WriteLineAsync($"  transparent  {(g.TransparentHttpPort is null && g.TransparentHttpsPort is null ? "off (set listen.transparentHttpPort / transparentHttpsPort)" : string.Join(", ", proxy.Skip(1)) + " (redirect TCP 80/443 here with iptables/nft; see the README)")}");
        await o.WriteLineAsync($"  events       {events.Store.Description}; node {events.Pipeline.NodeId}; kept {g.Events.Retention.Allowed.TotalDays:0} days (allowed), {g.Events.Retention.Blocked.TotalDays:0} (blocked), {g.Events.Retention.Alerts.TotalDays:0} (alerts)");
        await o.WriteLineAsync($"  alerts       live feed{string.Concat(events.Alerts.Notifiers.Where(static n => n is not FilterProxy.Events.Notifications.RedisAlertChannel).Select(static n => ", " + n.Name))}{(g.Events.SharedPolicy ? "; policy shared through Redis" : "")}");
        await o.WriteLineAsync($"  clients      {string.Join(", ", g.AllowedClients)}");
        await o.WriteLineAsync($"  profiles     {string.Join(", ", s.Profiles.Select(p => p == s.UnknownClientProfile ? $"{p.Name} (unknown clients)" : p.Name))}");
        await o.WriteLineAsync($"  groups       {(s.Groups.Count == 0 ? "none: every client gets the unknown-client profile" : string.Join(", ", s.Groups.Select(static x => $"{x.Name}→{x.Profile.Name}")))}");
        FilterProxy.Core.Identity.IdentitySettings id = s.Identity;
        await o.WriteLineAsync(id.Devices.Count + id.Leases.Count + id.PeopleFiles.Count + id.SignIn.Count == 0 && id.Ldap is null
            ? "  identity     none configured: addresses are reported as unknown (identity.devices, leases, people, ldap, signIn)"
            : $"  identity     {id.Devices.Count} devices, {id.Leases.Count} lease file(s), {id.PeopleFiles.Count} people file(s), directory {(id.Ldap is null ? "none" : id.Ldap.Url.ToString())}, {id.SignIn.Count} sign-in rule(s)");
        foreach (ListReport r in s.Lists.Reports)
        {
            string state = r.Error is null ? "ok" : $"STALE: {r.Error}";
            await o.WriteLineAsync($"  list         {r.Name}: {r.Domains:N0} domains, {r.Urls:N0} URLs, {r.Rejected:N0} rejected lines, {state}");
        }

        await o.WriteLineAsync($"  loaded in    {loadMilliseconds} ms; {s.Lists.MemoryBytes / (1024.0 * 1024):N1} MiB of lists. Ctrl+C stops; SIGHUP or saving the config file reloads.");
    }
}
