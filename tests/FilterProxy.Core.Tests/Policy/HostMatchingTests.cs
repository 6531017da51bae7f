using FilterProxy.Core.Categories;
using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Policy;

/// <summary>Label-suffix matching, case, trailing dots, IDN, IP literals and URL-prefix entries.</summary>
public sealed class HostMatchingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PolicySnapshot _snapshot;

    public HostMatchingTests()
    {
        _snapshot = PolicyFixture.Load(_dir, """
            { "lists": [
                { "name": "adult", "format": "domains", "category": "pornography", "source": "adult.txt" },
                { "name": "iwf", "format": "urls", "category": "csam", "source": "iwf.txt" },
                { "name": "ips", "format": "domains", "category": "malware", "source": "ips.txt" } ] }
            """, null,
            ("adult.txt", "bad.example\nbücher.example\n*.wild.example\n.dot.example\n"),
            ("iwf.txt", "www.abuse.example/images/x\nabuse2.example/\n"),
            ("ips.txt", "192.0.2.1\n2001:db8::1\n"));
    }

    [Theory]
    [InlineData("bad.example", true)]
    [InlineData("a.bad.example", true)]
    [InlineData("a.b.c.bad.example", true)]
    [InlineData("BAD.Example", true)]             // case-insensitive
    [InlineData("bad.example.", true)]            // trailing dot (FQDN form)
    [InlineData("bad.example..", true)]
    [InlineData("notbad.example", false)]         // suffix must be at a label boundary
    [InlineData("example", false)]                // a parent of a listed name is not listed
    [InlineData("bad.example.org", false)]        // nor a name that merely starts with it
    [InlineData("xn--bcher-kva.example", true)]   // IDN entry stored as punycode
    [InlineData("BÜCHER.example", true)]          // Unicode request converted
    [InlineData("www.bücher.example", true)]
    [InlineData("wild.example", true)]            // "*.x" lists x and its subdomains
    [InlineData("a.dot.example", true)]           // squid-style ".x"
    [InlineData("192.0.2.1", true)]               // IP literal, exact
    [InlineData("1.192.0.2.1", true)]             // numeric "name" that is no address: unreadable, blocked (fail closed)
    [InlineData("3221225985", true)]              // 192.0.2.1 written as one number
    [InlineData("0xc0.0.2.1", true)]              // ...or in hex
    [InlineData("192.0.2.10", false)]
    [InlineData("0.2.1", false)]
    [InlineData("[2001:db8::1]", true)]           // bracketed IPv6 literal
    [InlineData("[2001:db8::2]", false)]
    public void Evaluate_HostForms(string host, bool blocked)
    {
        Decision d = _snapshot.Check("http://" + host + ":8080/path", "staff");

        Assert.Equal(blocked, d.IsBlocked);
    }

    [Theory]
    [InlineData("http://abuse.example/images/x/1.jpg", true)]      // www. stripped on both sides
    [InlineData("http://www.abuse.example/IMAGES/X", true)]        // case-insensitive prefix
    [InlineData("http://www3.abuse.example/images/x", true)]
    [InlineData("http://abuse.example/other", false)]
    [InlineData("http://abuse2.example/anything", true)]
    [InlineData("http://sub.abuse2.example/anything", false)]      // URL entries are per host, not suffix
    public void Evaluate_UrlEntries(string url, bool blocked)
    {
        Decision d = _snapshot.Check(url, "staff");

        Assert.Equal(blocked, d.IsBlocked);
        if (blocked)
        {
            Assert.Equal(DecisionReason.Sealed, d.Reason);
            Assert.Equal(Category.Csam, d.Category);
        }
    }

    [Fact]
    public void Evaluate_UrlEntry_IgnoredWhenOnlyTheNameIsKnown()
    {
        // DNS and SNI see only the host; a URL entry must not block the whole host.
        var request = new FilterRequest { Host = "abuse.example", Profile = "staff" };

        Assert.False(_snapshot.Evaluate(in request, DateTimeOffset.UtcNow).IsBlocked);
    }

    public void Dispose() => _dir.Dispose();
}
