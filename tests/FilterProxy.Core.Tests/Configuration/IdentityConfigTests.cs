using FilterProxy.Core.Configuration;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Configuration;

public sealed class IdentityConfigTests
{
    [Fact]
    public void Identity_BadValuesAreReportedWithTheirPaths()
    {
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors("""
            { "identity": {
                "devices": [ { "name": "no id" }, { "id": "d1", "mac": "00:11", "ip": "10.0.0.300", "type": "toaster", "profile": "nope" },
                             { "id": "d2" }, { "id": "D1", "ip": "10.0.0.1" } ],
                "leases": [ { "path": "x.leases", "format": "csv" }, { "format": "isc" } ],
                "people": [ "missing.csv" ],
                "ldap": { "url": "http://dc.school", "groupProfiles": { "year2": "infants" }, "timeoutMs": 5 },
                "accounts": [ { "user": "guest1", "passwordHash": "hunter2" } ],
                "vulnerableProfiles": { "ks2": "staff" },
                "yearProfiles": { "2": "reception" },
                "signIn": [ { "networks": [ "10.0.0.0/33" ], "proxyAuth": "kerberos" },
                            { "networks": [ "10.1.0.0/16" ], "required": true },
                            { "networks": [ "10.2.0.0/16" ], "trustedHeader": "X-User" } ],
                "lockoutFailures": 0 } }
            """);
        string all = string.Join("\n", errors.Select(e => e.ToString()));
        foreach (string expected in new[]
        {
            "identity.devices[0]: a device needs an id",
            "identity.devices[1].mac: '00:11' is not a MAC address",
            "identity.devices[1].ip: '10.0.0.300' is not an IP address",
            "identity.devices[1].type: 'toaster' is not a device type",
            "identity.devices[1].profile: no profile is named 'nope'",
            "identity.devices[2]: a device needs a MAC address",
            "identity.devices[3].id: 'D1' is listed twice",
            "identity.leases[0].format: 'csv' is not a lease format (isc, dnsmasq, kea)",
            "identity.leases[1]: a lease source needs a path",
            "identity.people[0]:",
            "identity.ldap.url: 'http://dc.school' is not an ldap:// or ldaps:// URL",
            "identity.ldap.baseDn:",
            "identity.ldap.groupProfiles.year2: no profile is named 'infants'",
            "identity.ldap.timeoutMs: 5 is outside",
            "identity.accounts[0].passwordHash: needs a hash printed by",
            "identity.vulnerableProfiles.ks2: 'staff' is less strict than 'ks2'",
            "identity.yearProfiles.2: no profile is named 'reception'",
            "identity.signIn[0].networks[0]:",
            "identity.signIn[0].proxyAuth: 'kerberos' is not off, local, ldap or any",
            "identity.signIn[1].required: sign-in is required but no way to sign in is configured",
            "identity.signIn[2].trustedHeaderFrom: a trusted header needs the addresses",
            "identity.lockoutFailures: 0 is outside",
        })
        {
            Assert.Contains(expected, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Identity_Defaults_MapYearsRolesAndVulnerabilityToTheBuiltInProfiles()
    {
        using var dir = new TempDirectory();
        PolicySnapshot s = PolicyFixture.Load(dir, """{ "identity": { "signIn": [ { "networks": [ "10.0.0.0/8" ], "portal": true } ] } }""");
        IdentitySettings id = s.Identity;
        Assert.Equal("nursery-ks1", id.YearProfiles["R"]);
        Assert.Equal("ks2", id.YearProfiles["6"]);
        Assert.Equal("secondary", id.YearProfiles["13"]);
        Assert.Equal("staff", id.RoleProfiles["staff"]);
        Assert.Equal(TimeSpan.FromMinutes(30), id.PortalIdle);
        Assert.True(id.SignInFor(System.Net.IPAddress.Parse("10.9.9.9"))!.Portal);
        Assert.Null(id.SignInFor(System.Net.IPAddress.Parse("192.168.1.1")));
    }

    [Theory]
    [InlineData("secondary", false, "secondary")]
    [InlineData("secondary", true, "ks2")]
    [InlineData("ks2", true, "nursery-ks1")]
    [InlineData("nursery-ks1", true, "nursery-ks1")] // already the strictest
    [InlineData("staff", true, "staff")]             // no mapping for staff
    public void A_vulnerable_person_gets_the_profile_one_step_stricter(string profile, bool vulnerable, string expected)
    {
        using var dir = new TempDirectory();
        PolicySnapshot s = PolicyFixture.Load(dir, "{}");
        var request = new FilterRequest { Host = "example.org", Profile = profile, Vulnerable = vulnerable, User = "ben" };
        Assert.Equal(expected, s.Evaluate(request, DateTimeOffset.UtcNow).Profile.Name);
    }

    [Fact]
    public void A_suspension_follows_the_user_whatever_the_address()
    {
        using var dir = new TempDirectory();
        PolicySnapshot s = PolicyFixture.Load(dir, """
            { "suspensions": [ { "user": "ben", "from": "2026-01-01T00:00:00Z", "until": "2030-01-01T00:00:00Z", "reason": "misuse", "by": "dsl" } ] }
            """);
        var now = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(DecisionReason.Suspended, s.Evaluate(new FilterRequest { Host = "example.org", User = "ben", Client = System.Net.IPAddress.Parse("10.0.0.1") }, now).Reason);
        Assert.Equal(DecisionReason.Suspended, s.Evaluate(new FilterRequest { Host = "example.org", User = "ben", Client = System.Net.IPAddress.Parse("10.9.9.9") }, now).Reason);
        Assert.NotEqual(DecisionReason.Suspended, s.Evaluate(new FilterRequest { Host = "example.org", User = "amy", Client = System.Net.IPAddress.Parse("10.0.0.1") }, now).Reason);
    }
}
