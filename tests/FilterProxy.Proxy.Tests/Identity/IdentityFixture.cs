using System.Net;
using FilterProxy.Core.Events;
using FilterProxy.Hosting;
using FilterProxy.Identity.Accounts;
using FilterProxy.Proxy.Tests.Http;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Identity;

/// <summary>
/// A gateway with every sign-in path configured, against a real slapd on loopback (<see cref="SlapdServer"/>), in front of
/// a <see cref="TestOrigin"/>. Each client address has its own sign-in rule:
/// 127.0.0.1 proxy authentication required (LDAP); 127.0.0.4 captive portal (local accounts and LDAP);
/// 127.0.0.5 trusted header, believed only from 127.0.0.7; 127.0.0.8 no sign-in (identified by its DHCP lease).
/// </summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TestCertificates _originCa = new();
    private readonly TestCertificates _strangerCa = new("Nobody Trusts This CA");

    internal TestOrigin Origin { get; private set; } = null!;
    internal GatewayApp App { get; private set; } = null!;
    public SlapdServer Ldap { get; private set; } = null!;
    public string ProxyUrl => $"http://{App.ProxyEndPoint}";
    public IPEndPoint Transparent => App.TransparentEndPoints[0];
    public string Directory => _dir.Path;
    public string LeaseFile => Path.Combine(_dir.Path, "dnsmasq.leases");
    public string SchoolCaFile => Path.Combine(_dir.Path, "data", "ca", "school-ca.crt");

    public async Task InitializeAsync()
    {
        Ldap = await SlapdServer.StartAsync();
        Origin = await TestOrigin.StartAsync(_originCa.Server(["plain.test", "secure.test"]), _strangerCa.Server("untrusted.test"));
        _dir.File("origin-ca.pem", _originCa.AuthorityPem);
        _dir.File("people.csv", "username,displayName,role,yearGroup,vulnerable\nvisitor,Visiting Speaker,guest,,no\namy,Amy Pupil,pupil,Year 2,no\n");
        _dir.File("gambling.txt", "bet.example\n");
        _dir.File("dnsmasq.leases", "0 00:11:22:33:44:08 127.0.0.8 lib-laptop-8 *\n");
        string hash = PasswordHasher.Hash("visitor-pass-1", 10_000);
        string config = _dir.File("filterproxy.json", $$"""
            { "dataDirectory": "data",
              "allowedClients": [ "127.0.0.0/8" ],
              "dns": { "localNames": { "plain.test": [ "127.0.0.1" ], "secure.test": [ "127.0.0.1" ] } },
              "http": { "trustedUpstreamCaFiles": [ "origin-ca.pem" ] },
              "lists": [ { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" } ],
              "groups": { "lab": { "profile": "secondary", "networks": [ "127.0.0.0/8" ] } },
              "profiles": { "nursery-ks1": { "connectPorts": [ "*" ] }, "ks2": { "connectPorts": [ "*" ] }, "secondary": { "connectPorts": [ "*" ] } },
              "identity": {
                "ldap": { "url": "{{Ldap.Url}}", "bindDn": "{{SlapdServer.AdminDn}}", "bindPassword": "{{SlapdServer.AdminPassword}}",
                          "baseDn": "{{SlapdServer.BaseDn}}", "timeoutMs": 2000,
                          "groupProfiles": { "year2": "nursery-ks1", "year5": "ks2", "staff": "staff" }, "vulnerableGroups": [ "vulnerable" ] },
                "accounts": [ { "user": "visitor", "passwordHash": "{{hash}}" } ],
                "people": [ "people.csv" ],
                "devices": [ { "id": "lib-08", "name": "Library laptop 8", "mac": "00:11:22:33:44:08", "owner": "amy", "type": "school-owned" } ],
                "leases": [ { "path": "dnsmasq.leases", "format": "dnsmasq" } ],
                "lockoutFailures": 3,
                "portalIdleSeconds": 3,
                "signIn": [
                  { "networks": [ "127.0.0.1/32" ], "proxyAuth": "ldap", "required": true },
                  { "networks": [ "127.0.0.4/32" ], "proxyAuth": "any", "portal": true },
                  { "networks": [ "127.0.0.5/32", "127.0.0.7/32" ], "trustedHeader": "X-Authenticated-User", "trustedHeaderFrom": [ "127.0.0.7/32" ] }
                ] } }
            """);
        Dictionary<string, string> env = GatewayTestEnvironment.With(("FILTERPROXY__listen__transparentHttpPort", "0"));
        App = await GatewayApp.StartAsync(config, env, TextWriter.Null, CancellationToken.None);
    }

    /// <summary>curl through the explicit proxy from a given loopback address: <c>-sS -i</c>, 30 s cap.</summary>
    public Task<string> Curl(string from, params string[] args) =>
        ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "30", "--interface", from, "-x", ProxyUrl, .. args]);

    /// <summary>curl straight at the transparent HTTP listener (as a client routed to the gateway), from a given address.</summary>
    public Task<string> CurlTransparent(string from, string path, params string[] args) =>
        ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "30", "--interface", from, "-H", $"Host: plain.test:{Origin.HttpPort}",
            .. args, $"http://{Transparent}{path}"]);

    public Task<FilterEvent> EventAsync(Func<FilterEvent, bool> match) => RecentEvents.WaitAsync(App.Services, match);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Origin.DisposeAsync();
        await Ldap.DisposeAsync();
        _originCa.Dispose();
        _strangerCa.Dispose();
        _dir.Dispose();
    }
}
