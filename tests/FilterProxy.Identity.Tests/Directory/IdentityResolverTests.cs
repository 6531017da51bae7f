using System.Net;
using FilterProxy.Core.Identity;
using FilterProxy.Identity.Directory;
using FilterProxy.Identity.Leases;
using FilterProxy.Identity.Sessions;
using FilterProxy.Tests.Common;

namespace FilterProxy.Identity.Tests.Directory;

public sealed class IdentityResolverTests
{
    private static readonly IPAddress s_fixed = IPAddress.Parse("10.0.0.10");
    private static readonly IPAddress s_leased = IPAddress.Parse("10.0.0.20");
    private static readonly IPAddress s_stranger = IPAddress.Parse("10.0.0.30");
    private static readonly IPAddress s_unknown = IPAddress.Parse("10.0.0.99");

    private readonly FakeTimeProvider _time = new();
    private readonly MemorySessionStore _store = new();

    private IdentityResolver Create(out SessionTable sessions)
    {
        var settings = new IdentitySettings
        {
            Devices =
            [
                new Device("hall-pc", "Hall PC", null, s_fixed, "jones", DeviceType.SchoolOwned, null),
                new Device("ipad-7", "iPad 7", "00:11:22:33:44:55", null, "amy", DeviceType.SchoolOwned, null),
            ],
        };
        Lease[] leases =
        [
            new(s_leased, "00:11:22:33:44:55", "ipad", _time.GetUtcNow().AddHours(1)),
            new(s_stranger, "66:55:44:33:22:11", "someones-phone", _time.GetUtcNow().AddHours(1)),
        ];
        Person[] people =
        [
            new() { UserName = "amy", DisplayName = "Amy Pupil", YearGroup = "Year 2" },
            new() { UserName = "jones", DisplayName = "Mrs Jones", Role = PersonRole.Staff },
            new() { UserName = "ben", YearGroup = "5", Vulnerable = true },
        ];
        sessions = new SessionTable(_store, _time);
        var resolver = new IdentityResolver(sessions, _time);
        resolver.Swap(new IdentityDirectory(settings, leases, people, [], _time.GetUtcNow()));
        return resolver;
    }

    [Fact]
    public void A_fixed_address_names_the_device_and_its_owner_with_medium_confidence()
    {
        ClientIdentity id = Create(out _).Resolve(s_fixed);
        Assert.Equal("hall-pc (Hall PC)", id.DeviceLabel);
        Assert.Equal("jones", id.User);
        Assert.Equal("staff", id.Profile);
        Assert.Equal(IdentitySource.Static, id.Source);
        Assert.Equal("medium", id.Confidence);
    }

    [Fact]
    public void A_lease_leads_to_the_registered_device_and_a_year_2_owner_gets_the_nursery_profile()
    {
        ClientIdentity id = Create(out _).Resolve(s_leased);
        Assert.Equal("ipad-7", id.Device!.Id);
        Assert.Equal("amy", id.User);
        Assert.Equal("nursery-ks1", id.Profile);
        Assert.Equal("dhcp", id.SourceName);
        Assert.Equal("low", id.Confidence);
    }

    [Fact]
    public void An_unregistered_lease_is_reported_as_that_and_an_unknown_address_as_unknown()
    {
        IdentityResolver r = Create(out _);
        ClientIdentity stranger = r.Resolve(s_stranger);
        Assert.Equal(DeviceType.Unregistered, stranger.Device!.Type);
        Assert.Null(stranger.User);
        Assert.Contains("66:55:44:33:22:11", stranger.DeviceLabel);
        ClientIdentity unknown = r.Resolve(s_unknown);
        Assert.Same(ClientIdentity.Unknown, unknown);
        Assert.Equal("none", unknown.SourceName);
    }

    [Fact]
    public async Task A_session_wins_over_the_device_owner_and_ends_after_its_idle_timeout()
    {
        IdentityResolver r = Create(out SessionTable sessions);
        await sessions.BindAsync(s_leased, "ben", IdentitySource.Portal, TimeSpan.FromHours(8), TimeSpan.FromMinutes(10));
        ClientIdentity id = r.Resolve(s_leased);
        Assert.Equal("ben", id.User);
        Assert.Equal("ipad-7", id.Device!.Id);
        Assert.Equal(IdentitySource.Portal, id.Source);
        Assert.Equal("high", id.Confidence);
        Assert.True(id.Vulnerable);
        Assert.Equal("ks2", id.Profile); // year 5; the evaluator applies the vulnerable mapping

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("ben", r.Resolve(s_leased).User); // used: the idle clock restarts
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("ben", r.Resolve(s_leased).User);
        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("amy", r.Resolve(s_leased).User); // idle too long: back to the device's owner
    }

    [Fact]
    public async Task Bindings_made_on_one_node_reach_another_through_the_store_and_so_does_sign_out()
    {
        Create(out SessionTable first);
        var second = new SessionTable(_store, _time);
        await first.BindAsync(s_unknown, "jones", IdentitySource.ProxyAuth, TimeSpan.FromMinutes(5), TimeSpan.Zero, profile: "staff");
        Assert.Null(second.Find(s_unknown, _time.GetUtcNow()));
        await second.SyncAsync();
        Assert.Equal("jones", second.Find(s_unknown, _time.GetUtcNow())!.User);

        await first.UnbindAsync(s_unknown);
        _time.Advance(TimeSpan.FromSeconds(5));
        await second.SyncAsync();
        Assert.Null(second.Find(s_unknown, _time.GetUtcNow()));
    }

    [Theory]
    [InlineData("Year 2", "2")]
    [InlineData("Y10", "10")]
    [InlineData("yr 7", "7")]
    [InlineData("Reception", "R")]
    [InlineData("nursery", "N")]
    [InlineData("3", "3")]
    public void Year_groups_are_read_the_ways_schools_write_them(string text, string year) =>
        Assert.Equal(year, IdentitySettings.NormaliseYear(text));

    [Fact]
    public void Profile_follows_override_then_strictest_group_then_year_then_role()
    {
        var settings = new IdentitySettings
        {
            Ldap = new LdapSettings
            {
                Url = new Uri("ldap://127.0.0.1"),
                BaseDn = "dc=x",
                GroupProfiles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["year7"] = "secondary", ["sen"] = "ks2" },
            },
        };
        Func<string, double> strictness = p => p switch { "nursery-ks1" => 3, "ks2" => 2, "secondary" => 1, _ => 0 };
        Assert.Equal("guest", settings.ProfileOf(new Person { UserName = "a", Profile = "guest", Groups = ["year7"] }, strictness));
        Assert.Equal("ks2", settings.ProfileOf(new Person { UserName = "a", Groups = ["year7", "SEN"], YearGroup = "7" }, strictness));
        Assert.Equal("secondary", settings.ProfileOf(new Person { UserName = "a", YearGroup = "Year 9" }, strictness));
        Assert.Equal("staff", settings.ProfileOf(new Person { UserName = "a", Role = PersonRole.Staff }, strictness));
        Assert.Null(settings.ProfileOf(new Person { UserName = "a" }, strictness)); // nothing maps: the client's group decides
    }
}
