using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Policy;

/// <summary>Help services a child in crisis needs are never blocked: only the sealed lists win over them.</summary>
public sealed class HelpServicesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private PolicySnapshot Load(string extra = "") => PolicyFixture.Load(_dir, $$"""
        { "lists": [ { "name": "mislabelled", "format": "domains", "category": "self-harm", "source": "selfharm.txt" },
                     { "name": "iwf", "format": "domains", "category": "csam", "source": "sealed.txt" } ],
          "profiles": { "ks2": { "deny": [ "samaritans.org" ] } }{{extra}} }
        """, null, ("selfharm.txt", "childline.org.uk\nfakechildline.org.uk\nchildline.org.uk.evil.example\nhelp.school.example\n"), ("sealed.txt", "sealed.kooth.com\n"));

    [Theory]
    [InlineData("www.childline.org.uk")]   // listed as self-harm by a list
    [InlineData("www.samaritans.org")]     // on the profile's deny list
    public void HelpService_ThatRulesWouldBlock_IsAllowed_AndSaysWhy(string host)
    {
        Decision d = Load().Check(host, "ks2");

        Assert.False(d.IsBlocked);
        Assert.Equal(DecisionReason.HelpService, d.Reason);
        Assert.Contains("help service", d.Explain(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fakechildline.org.uk")]
    [InlineData("childline.org.uk.evil.example")]
    public void LookAlikes_StayBlocked(string host) => Assert.True(Load().Check(host, "ks2").IsBlocked);

    [Fact]
    public void SealedLists_StillWin() => Assert.Equal(DecisionReason.Sealed, Load().Check("sealed.kooth.com", "ks2").Reason);

    [Fact]
    public void SchoolsOwnHelpService_FromConfiguration()
    {
        Assert.True(Load().Check("help.school.example", "ks2").IsBlocked);
        Assert.Equal(DecisionReason.HelpService, Load(""", "helpServices": [ "help.school.example" ]""").Check("help.school.example", "ks2").Reason);
    }

    [Fact]
    public void Unblocked_HelpService_KeepsItsOwnReason() =>
        Assert.Equal(DecisionReason.Default, PolicyFixture.Load(_dir, "{}").Check("www.kooth.com", "ks2").Reason);

    [Theory]
    [InlineData("co.uk", "public suffix")]
    [InlineData("not a host", "not a host name")]
    [InlineData("10.0.0.1", "not a host name")]
    public void BadHelpServiceNames_AreRefused(string name, string message)
    {
        IReadOnlyList<ConfigError> errors = PolicyFixture.Errors($$"""{ "helpServices": [ "{{name}}" ] }""");
        Assert.Contains(errors, e => e.Path == "helpServices[0]" && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void HelpContacts_SchoolsOwnLines_ReplaceTheBuiltInOnes()
    {
        Assert.Contains(GatewaySettings.DefaultHelpContacts, static l => l.Contains("0800 1111", StringComparison.Ordinal));
        PolicySnapshot s = PolicyFixture.Load(_dir, """{ "helpContacts": [ "Wellbeing team: Room 12", "Childline: 0800 1111" ] }""");
        Assert.Equal(["Wellbeing team: Room 12", "Childline: 0800 1111"], s.Settings.HelpContacts);
    }

    [Fact]
    public void HelpContacts_EmptyOrBlank_AreRefused()
    {
        Assert.Contains(PolicyFixture.Errors("""{ "helpContacts": [] }"""), static e => e.Path == "helpContacts");
        Assert.Contains(PolicyFixture.Errors("""{ "helpContacts": [ " " ] }"""), static e => e.Path == "helpContacts[0]");
    }

    public void Dispose() => _dir.Dispose();
}
