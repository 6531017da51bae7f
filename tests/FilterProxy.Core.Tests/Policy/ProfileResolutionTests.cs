using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Policy;

public sealed class ProfileResolutionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PolicySnapshot _snapshot;

    public ProfileResolutionTests()
    {
        _snapshot = PolicyFixture.Load(_dir, """
            { "groups": {
                "school": { "profile": "secondary", "networks": ["10.0.0.0/8", "fd00::/8"] },
                "ks2-room": { "profile": "ks2", "networks": ["10.1.2.0/24"] },
                "staff-laptops": { "profile": "staff", "networks": ["10.1.2.128/25"] },
                "guests": { "profile": "guest", "networks": ["192.168.100.0/24"] } } }
            """);
    }

    [Theory]
    [InlineData("10.5.5.5", "secondary")]
    [InlineData("10.1.2.5", "ks2")]            // longest prefix wins
    [InlineData("10.1.2.200", "staff")]        // even longer
    [InlineData("10.1.3.1", "secondary")]
    [InlineData("::ffff:10.1.2.5", "ks2")]     // IPv4-mapped IPv6 (dual-mode sockets)
    [InlineData("fd00::1234", "secondary")]
    [InlineData("192.168.100.9", "guest")]
    [InlineData("172.16.0.1", "nursery-ks1")]  // no group: the strictest
    [InlineData("8.8.8.8", "nursery-ks1")]
    public void Evaluate_ClientGroupDecidesProfile(string client, string profile)
    {
        Assert.Equal(profile, _snapshot.Check("example.org", client: client).Profile.Name);
    }

    [Fact]
    public void Evaluate_UnknownProfileName_FailsClosedToStrictest()
    {
        Decision d = _snapshot.Check("example.org", profile: "no-such-profile");

        Assert.Equal("nursery-ks1", d.Profile.Name);
        Assert.True(d.ProfileFallback);
        Assert.Contains("strictest", d.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ExplicitProfile_BeatsClientGroup()
    {
        Assert.Equal("staff", _snapshot.Check("example.org", profile: "staff", client: "10.1.2.5").Profile.Name);
    }

    [Fact]
    public void AllowedClients_DefaultsToLoopbackAndPrivate()
    {
        Assert.True(_snapshot.IsClientAllowed(System.Net.IPAddress.Loopback));
        Assert.True(_snapshot.IsClientAllowed(System.Net.IPAddress.Parse("192.168.1.1")));
        Assert.True(_snapshot.IsClientAllowed(System.Net.IPAddress.IPv6Loopback));
        Assert.False(_snapshot.IsClientAllowed(System.Net.IPAddress.Parse("8.8.8.8")));
        Assert.False(_snapshot.IsClientAllowed(System.Net.IPAddress.Parse("2001:4860::1")));
    }

    [Fact]
    public void BuiltInProfiles_DifferInStrength()
    {
        double Strictness(string name) => _snapshot.FindProfile(name)!.Strictness;

        Assert.True(Strictness("nursery-ks1") > Strictness("ks2"));
        Assert.True(Strictness("ks2") > Strictness("secondary"));
        Assert.True(Strictness("secondary") > Strictness("staff"));
        Assert.Equal(TlsMode.Splice, _snapshot.FindProfile("guest")!.Tls);
    }

    public void Dispose() => _dir.Dispose();
}
