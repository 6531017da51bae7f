using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Configuration;

public sealed class ConfigTests
{
    [Fact]
    public void HttpSettings_BadValuesAreReportedWithTheirPaths()
    {
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors("""
            {
              "profiles": { "ks2": { "connectPorts": [ "443", "ssh", "70000" ], "onScanFailure": "shrug" } },
              "http": { "scanTimeoutMs": 0, "maxConnectionsPerClient": -1, "neverIntercept": [ "bad entry!" ],
                        "trustedUpstreamCaFiles": [ "missing-ca.pem" ], "phraseLists": [ "missing-phrases.txt" ],
                        "contentModel": "missing.model", "searchModel": "missing-search.model" }
            }
            """);
        string all = string.Join("\n", errors.Select(e => e.ToString()));

        foreach (string expected in new[]
        {
            "profiles.ks2.connectPorts[1]: 'ssh' is not a port",
            "profiles.ks2.connectPorts[2]: '70000' is not a port",
            "profiles.ks2.onScanFailure: 'shrug' is not one of: block, allow",
            "http.scanTimeoutMs: 0 is outside 10–30000",
            "http.maxConnectionsPerClient: -1 is outside",
            "http.neverIntercept[0]: 'bad entry!' is not a domain or URL entry",
            "http.trustedUpstreamCaFiles[0]:",
            "http.phraseLists[0]:",
            "http.contentModel[0]:",
            "http.searchModel[0]:",
        })
        {
            Assert.Contains(expected, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HttpSettings_Defaults_InterceptPupilsWithPort443Only_AndStaffAnyPort()
    {
        using var dir = new TempDirectory();
        PolicySnapshot snapshot = PolicyFixture.Load(dir, "{}");

        Assert.Equal([443], snapshot.FindProfile("ks2")!.ConnectPorts);
        Assert.Null(snapshot.FindProfile("staff")!.ConnectPorts);
        Assert.True(snapshot.FindProfile("staff")!.ScanFailOpen);
        Assert.False(snapshot.FindProfile("nursery-ks1")!.ScanFailOpen);
        Assert.Equal("nhs.uk", snapshot.Settings.Http.NeverInterceptEntryFor("www.nhs.uk"));
        Assert.Null(snapshot.Settings.Http.NeverInterceptEntryFor("www.bbc.co.uk"));
        Assert.True(snapshot.Settings.Http.ContentCheck);
    }

    [Fact]
    public void Validate_ReportsEveryErrorInOnePass()
    {
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors("""
            {
              "listen": { "proxyPort": 70000, "adminPort": 3128 },
              "timeZone": "Mars/Olympus",
              "allowedClients": [ "10.1.2.3/8" ],
              "profiles": {
                "ks2": { "blockedCategories": [ "gamblin" ], "safeSearch": "very", "contentThreshold": 2 },
                "new-one": { "description": "no base, no categories" },
                "year9": { "basedOn": "nope" }
              },
              "groups": { "lab": { "profile": "ghost", "networks": [ "10.0.0.0/33" ] } },
              "schedules": [ { "name": "s", "profile": "ks2", "days": [ "funday" ], "from": "25:00", "to": "10:00", "action": "block", "categories": [ "games" ] } ],
              "exceptions": [ { "id": "e1", "profile": "ks2", "target": "a.example", "start": "2026-11-02T00:00:00Z", "end": "2026-11-01T00:00:00Z",
                                "requestedBy": "mr x", "approvedBy": "Mr X", "reason": "r" } ],
              "lists": [ { "name": "l", "format": "csv", "source": "x" } ],
              "dns": { "repeatWindowSeconds": 3600 }
            }
            """);
        string all = string.Join("\n", errors.Select(e => e.ToString()));

        string[] expected =
        [
            "listen.proxyPort: 70000 is not a port number",
            "timeZone: unknown time zone 'Mars/Olympus'",
            "allowedClients[0]: '10.1.2.3/8' has host bits set; did you mean 10.0.0.0/8?",
            "profiles.ks2.blockedCategories[0]: unknown category 'gamblin'",
            "profiles.ks2.safeSearch: 'very' is not one of: off, moderate, strict",
            "profiles.ks2.contentThreshold: 2 is outside 0–1",
            "profiles.new-one: a new profile needs 'blockedCategories' or 'basedOn'",
            "profiles.year9.basedOn: no profile is named 'nope'",
            "groups.lab.profile: no profile is named 'ghost'",
            "groups.lab.networks[0]: '10.0.0.0/33' has a prefix length outside 0–32",
            "schedules[0].days[0]: 'funday' is not a day",
            "schedules[0].from: '25:00' is not a time of day",
            "exceptions[0].end: ends before it starts",
            "exceptions[0].approvedBy: must be approved by someone other than the person who asked",
            "lists[0].format: 'csv' is not one of",
            "lists[0].category: a list needs the category of its entries",
            "dns.repeatWindowSeconds: 3600 is outside 0–300",
        ];
        foreach (string message in expected)
        {
            Assert.Contains(message, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_UnknownKeys_AreErrorsWithSuggestions()
    {
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors("""
            { "listen": { "proxyPrt": 1 }, "profiles": { "ks2": { "safesearch": "strict", "blockedCategorys": [] } }, "colour": "blue" }
            """);
        string all = string.Join("\n", errors.Select(e => e.ToString()));

        Assert.Contains("listen.proxyPrt: unknown setting (did you mean 'proxyPort'?)", all, StringComparison.Ordinal);
        Assert.Contains("profiles.ks2.blockedCategorys: unknown setting (did you mean 'blockedCategories'?)", all, StringComparison.Ordinal);
        Assert.Contains("colour: unknown setting", all, StringComparison.Ordinal);
        Assert.DoesNotContain("safesearch", all, StringComparison.Ordinal); // case-insensitive names are fine
    }

    [Fact]
    public void Check_UnknownKeysAndWrongTypes_DoNotHideTheOtherErrors()
    {
        // The probe's case: an unknown key stopped the check, and the file's other errors went unreported.
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors("""
            { "colour": "blue",
              "listen": { "proxyPort": "three", "adminPort": 70000 },
              "http": { "scanMaxBytes": "lots", "allowInternalDestinations": [ "not-a-network" ] },
              "profiles": { "ks2": { "tls": "maybe", "contentThreshold": 2 } } }
            """);
        string all = string.Join("\n", errors.Select(e => e.ToString()));

        Assert.Contains("colour: unknown setting", all, StringComparison.Ordinal);
        Assert.Contains("listen.proxyPort: wrong type of value", all, StringComparison.Ordinal);
        Assert.Contains("http.scanMaxBytes: wrong type of value", all, StringComparison.Ordinal);
        Assert.Contains("listen.adminPort: 70000 is not a port number", all, StringComparison.Ordinal);
        Assert.Contains("http.allowInternalDestinations[0]:", all, StringComparison.Ordinal);
        Assert.Contains("profiles.ks2.tls: 'maybe' is not one of", all, StringComparison.Ordinal);
        Assert.Contains("profiles.ks2.contentThreshold: 2 is outside 0–1", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidJson_SaysWhere()
    {
        ConfigError error = Assert.Single(PolicyFixture.Errors("{\n  \"listen\": {\n    \"proxyPort\": 3128,,\n  }\n}"));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongType_SaysWhere()
    {
        ConfigError error = Assert.Single(PolicyFixture.Errors("""{ "listen": { "proxyPort": "three" } }"""));

        Assert.Equal("listen.proxyPort", error.Path);
    }

    [Fact]
    public void Environment_OverridesFileValues()
    {
        using var dir = new TempDirectory();
        string path = dir.File("filterproxy.json", """{ "listen": { "proxyPort": 3128 }, "profiles": { "ks2": { "safeSearch": "strict" } } }""");
        var env = new Dictionary<string, string>
        {
            ["FILTERPROXY__listen__proxyPort"] = "3129",
            ["FILTERPROXY__LISTEN__ADDRESS"] = "127.0.0.1",
            ["FILTERPROXY__profiles__ks2__safeSearch"] = "moderate",
            ["FILTERPROXY__profiles__ks2__deny__0"] = "denied.example",
            ["FILTERPROXY__groups__lab__profile"] = "staff",
            ["FILTERPROXY__groups__lab__networks__0"] = "10.7.0.0/16",
            ["UNRELATED"] = "x",
        };

        CompiledConfig c = PolicyCompiler.Compile(ConfigLoader.Load(path, env));
        PolicySnapshot s = c.ToSnapshot(FilterProxy.Core.Lists.ListCatalog.Empty, DateTimeOffset.UtcNow);

        Assert.Equal(3129, c.Settings.ProxyPort);
        Assert.Equal("127.0.0.1", c.Settings.ListenAddress.ToString());
        Assert.Equal(SafeSearchLevel.Moderate, s.FindProfile("ks2")!.SafeSearch);
        Assert.Equal(DecisionReason.Deny, s.Check("denied.example", "ks2").Reason);
        Assert.Equal("staff", s.Check("example.org", client: "10.7.1.1").Profile.Name);
    }

    [Fact]
    public void Defaults_WithNoFile_AreValidAndDocumented()
    {
        LoadedConfig loaded = ConfigLoader.Load(null, PolicyFixture.NoEnvironment);
        CompiledConfig c = PolicyCompiler.Compile(loaded);

        Assert.Equal(3128, c.Settings.ProxyPort);
        Assert.Equal(5300, c.Settings.DnsPort);
        Assert.Equal(8080, c.Settings.AdminPort);
        Assert.Null(c.Settings.TransparentHttpPort);
        Assert.Null(c.Settings.TransparentHttpsPort);
        Assert.Equal("nursery-ks1", c.UnknownClientProfile.Name);
        Assert.Equal(["nursery-ks1", "ks2", "secondary", "staff", "guest"], c.Profiles.Select(p => p.Name));
        Assert.EndsWith("filterproxy-data", c.Settings.DataDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_Override_ChangesOnlyNamedSettings()
    {
        using var dir = new TempDirectory();
        PolicySnapshot s = PolicyFixture.Load(dir, """
            { "profiles": { "ks2": { "youTube": "moderate" }, "year6": { "basedOn": "ks2", "blockedCategories": ["pornography"] } } }
            """);

        Profile ks2 = s.FindProfile("ks2")!;
        Assert.Equal(SafeSearchLevel.Moderate, ks2.YouTube);
        Assert.Equal(SafeSearchLevel.Strict, ks2.SafeSearch);                  // kept from the built-in
        Assert.True(ks2.Blocked.Contains(FilterProxy.Core.Categories.Category.Gambling));
        Profile year6 = s.FindProfile("year6")!;
        Assert.Equal(SafeSearchLevel.Moderate, year6.YouTube);                 // inherited
        Assert.Equal(1, year6.Blocked.Count);
    }
}
