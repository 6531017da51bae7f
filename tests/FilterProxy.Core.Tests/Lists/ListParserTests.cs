using System.Formats.Tar;
using System.IO.Compression;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Lists;

/// <summary>Every format, malformed lines reported with file and line, and the rest still loads.</summary>
public sealed class ListParserTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private PolicySnapshot Load(string format, string content, string category = "malware", string extra = "")
    {
        return PolicyFixture.Load(_dir, $$"""
            { "lists": [ { "name": "l", "format": "{{format}}", "category": "{{category}}", "source": "list.txt" {{extra}} } ] }
            """, null, ("list.txt", content));
    }

    private static bool Blocked(PolicySnapshot s, string url) => s.Check(url, "staff").IsBlocked;

    [Fact]
    public void Hosts_ParsesNamesAndSkipsLocalhostAndReportsBadLines()
    {
        PolicySnapshot s = Load("hosts", """
            # a hosts file
            127.0.0.1 localhost
            ::1 localhost ip6-localhost ip6-loopback
            0.0.0.0 ads.example tracker.example   # two names on a line
            0.0.0.0	tab.example
            not-an-ip bad.example
            0.0.0.0
            0.0.0.0 inva!id.example
            """);
        ListReport r = s.Report("l");

        Assert.True(Blocked(s, "http://ads.example/"));
        Assert.True(Blocked(s, "http://tracker.example/"));
        Assert.True(Blocked(s, "http://tab.example/"));
        Assert.Equal(3, r.Domains);
        Assert.Equal(4, r.Skipped);
        Assert.Equal(3, r.Rejected);
        Assert.Equal([6L, 7L, 8L], r.RejectedSamples.Select(e => e.Line));
        Assert.EndsWith("list.txt", r.RejectedSamples[0].File, StringComparison.Ordinal);
        Assert.Contains("invalid character '!'", r.RejectedSamples[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Domains_CommentsBlankLinesCrLfBomAndErrors()
    {
        PolicySnapshot s = Load("domains", "\uFEFFfirst.example\r\n\r\n# comment\r\nsecond.example # trailing comment\r\ntwo words.example\r\nhttp://url.example/path\r\ncom\r\nbad..example\r\nlast.example");
        ListReport r = s.Report("l");

        Assert.True(Blocked(s, "http://first.example/"));    // BOM stripped
        Assert.True(Blocked(s, "http://second.example/"));
        Assert.True(Blocked(s, "http://last.example/"));     // no final newline
        Assert.Equal(3, r.Domains);
        Assert.Equal(4, r.Rejected);
        Assert.Equal([5L, 6L, 7L, 8L], r.RejectedSamples.Select(e => e.Line));
        Assert.Contains("single label", r.RejectedSamples[2].Reason, StringComparison.Ordinal);
        Assert.Contains("empty label", r.RejectedSamples[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AdBlock_RulesExceptionsCosmeticAndOptions()
    {
        PolicySnapshot s = Load("adblock", """
            [Adblock Plus 2.0]
            ! Title: test
            ||blocked.example^
            ||important.example^$important
            ||thirdparty.example^$third-party
            @@||good.blocked.example^
            example.org##.banner
            ||path.example/ads/
            ||wild*.example^
            plain.example
            /regex/
            some words here
            """);
        ListReport r = s.Report("l");

        Assert.True(Blocked(s, "http://blocked.example/"));
        Assert.True(Blocked(s, "http://x.blocked.example/"));
        Assert.False(Blocked(s, "http://good.blocked.example/"));     // @@ exception, and its subdomains
        Assert.False(Blocked(s, "http://a.good.blocked.example/"));
        Assert.True(Blocked(s, "http://important.example/"));
        Assert.False(Blocked(s, "http://thirdparty.example/"));       // options not meaningful for a whole host
        Assert.True(Blocked(s, "http://path.example/ads/banner.gif"));
        Assert.False(Blocked(s, "http://path.example/news"));
        Assert.True(Blocked(s, "http://plain.example/"));
        Assert.Equal(1, r.Exceptions);
        Assert.Equal(1, r.Urls);
        Assert.Equal(1, r.Rejected);
        Assert.Equal(12, r.RejectedSamples.Single().Line);
        Assert.Equal(4, r.Skipped); // cosmetic, $third-party, wildcard, regex
    }

    [Fact]
    public void AdBlock_ExceptionCannotRemoveSealedCategory()
    {
        using var dir = new TempDirectory();
        PolicySnapshot s = PolicyFixture.Load(dir, """
            { "lists": [ { "name": "iwf", "format": "domains", "category": "csam", "source": "iwf.txt" },
                         { "name": "ab", "format": "adblock", "category": "csam", "source": "ab.txt" } ] }
            """, null, ("iwf.txt", "csam.example\n"), ("ab.txt", "@@||csam.example^\n"));

        Assert.Equal(DecisionReason.Sealed, s.Check("http://csam.example/", "staff").Reason);
    }

    [Fact]
    public void Urls_FormatAndErrors()
    {
        PolicySnapshot s = Load("urls", "host.example/dir/page.html\nhttps://www.other.example/x?y=1\n# comment\nbad url.example/x\n", "piracy");
        ListReport r = s.Report("l");

        Assert.Equal(2, r.Urls);
        Assert.Equal(1, r.Rejected);
        Assert.True(Blocked(s, "http://host.example/dir/page.html"));
        Assert.True(Blocked(s, "http://other.example/x?y=1&z"));
        Assert.False(Blocked(s, "http://host.example/"));
    }

    [Fact]
    public void LongLine_IsRejectedAndTheRestLoads()
    {
        string content = "a.example\n" + new string('x', 100_000) + ".example\nb.example\n";
        ListReport r = Load("domains", content).Report("l");

        Assert.Equal(2, r.Domains);
        Assert.Equal(1, r.Rejected);
        Assert.Equal(2, r.RejectedSamples[0].Line);
    }

    [Fact]
    public async Task EveryTruncationPoint_NeverThrows_AndKeepsCompleteLines()
    {
        // A list cut off at any byte (a half-written download) must load what is complete and never throw.
        const string content = "0.0.0.0 one.example\n0.0.0.0 two.example # c\n::1 localhost\n0.0.0.0 bü.example\n0.0.0.0 three.example\n";
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(content);
        int[] newlines = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] == '\n').ToArray();
        int[] domainLineEnds = [newlines[0], newlines[1], newlines[3], newlines[4]]; // line 3 is localhost
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            string path = _dir.File("cut.txt", "");
            File.WriteAllBytes(path, bytes[..cut]);
            var source = new ListSource("cut", ListFormat.Hosts, path, Category.Malware, new Dictionary<string, Category?>(), null);
            ListCatalog catalog = await new ListCatalogBuilder(_dir.Path, null, TimeProvider.System).BuildAsync([source]);
            ListReport r = catalog.Reports.Single(x => x.Name == "cut");
            int complete = domainLineEnds.Count(end => end < cut);
            Assert.InRange(r.Domains, complete, complete + 1); // a cut line may still be a (shorter) valid name
            Assert.Null(r.Error);
        }
    }

    [Fact]
    public void MissingFile_IsReported_OtherListsStillLoad()
    {
        PolicySnapshot s = PolicyFixture.Load(_dir, """
            { "lists": [ { "name": "gone", "format": "domains", "category": "malware", "source": "missing.txt" },
                         { "name": "ok", "format": "domains", "category": "malware", "source": "ok.txt" } ] }
            """, null, ("ok.txt", "ok-listed.example\n"));

        Assert.Contains("does not exist", s.Report("gone").Error, StringComparison.Ordinal);
        Assert.True(s.Report("gone").Stale);
        Assert.True(Blocked(s, "http://ok-listed.example/"));
        Assert.Null(s.Report("ok").Error);
        Assert.NotNull(s.Report("ok").LastRefresh);
    }

    [Fact]
    public void Ut1_FolderMapsCategoriesAndReportsUnmapped()
    {
        _dir.File("ut1/blacklists/adult/domains", "porn.example\n");
        _dir.File("ut1/blacklists/adult/urls", "mixed.example/adult/\n");
        _dir.File("ut1/blacklists/gambling/domains", "casino.example\n");
        _dir.File("ut1/blacklists/bank/domains", "bank.example\n");             // mapped to nothing by default
        _dir.File("ut1/blacklists/cooking/domains", "cook.example\n");          // unknown: reported
        _dir.File("ut1/blacklists/special/domains", "special.example\n");
        PolicySnapshot s = PolicyFixture.Load(_dir, """
            { "lists": [ { "name": "ut1", "format": "ut1", "source": "ut1", "categoryMap": { "special": "violence", "gambling": "ignore" } } ] }
            """);
        ListReport r = s.Report("ut1");

        Decision porn = s.Check("http://porn.example/", "staff");
        Assert.Equal(Category.Pornography, porn.Category);
        Assert.Equal("ut1/adult", porn.List?.ToString());
        Assert.True(Blocked(s, "http://mixed.example/adult/page"));
        Assert.False(Blocked(s, "http://mixed.example/news"));
        Assert.False(Blocked(s, "http://casino.example/"));                     // mapped to ignore
        Assert.True(s.Check("http://special.example/", "ks2").IsBlocked);
        Assert.Contains("cooking", r.UnmappedCategories);
        Assert.Contains("bank", r.UnmappedCategories);
        Assert.Equal(2, r.Domains);
        Assert.Equal(1, r.Urls);
    }

    [Fact]
    public void Ut1_Tarball_IsExtractedAndRead()
    {
        string src = Path.Combine(_dir.Path, "src");
        _dir.File("src/blacklists/drogue/domains", "drugs.example\n");
        string tarball = Path.Combine(_dir.Path, "blacklists.tar.gz");
        using (FileStream file = File.Create(tarball))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            TarFile.CreateFromDirectory(src, gzip, includeBaseDirectory: false);
        }

        PolicySnapshot s = PolicyFixture.Load(_dir, """
            { "lists": [ { "name": "ut1", "format": "ut1", "source": "blacklists.tar.gz" } ] }
            """);

        Assert.Equal(Category.Drugs, s.Check("http://drugs.example/", "ks2").Category);
    }

    [Fact]
    public void SameDomainInTwoLists_CarriesBothCategoriesAndOrigins()
    {
        PolicySnapshot s = PolicyFixture.Load(_dir, """
            { "lists": [ { "name": "a", "format": "domains", "category": "games", "source": "a.txt" },
                         { "name": "b", "format": "domains", "category": "gambling", "source": "b.txt" } ] }
            """, null, ("a.txt", "both.example\n"), ("b.txt", "both.example\n"));

        Decision d = s.Check("http://both.example/", "ks2");
        Assert.True(d.Categories.Contains(Category.Games));
        Assert.True(d.Categories.Contains(Category.Gambling));
        Assert.Equal(Category.Gambling, d.Category); // the most serious first (lowest id)
        Assert.Equal("b", d.List?.ListName);
    }

    [Fact]
    public void BuiltIn_DohResolversAndCanaryAreListed()
    {
        PolicySnapshot s = PolicyFixture.Load(_dir, "{}");

        Decision doh = s.Check("https://dns.google/dns-query", "ks2");
        Assert.Equal(Category.DnsOverHttps, doh.Category);
        Assert.True(doh.IsBlocked);
        Assert.True(s.Check("https://mozilla.cloudflare-dns.com/dns-query", "ks2").IsBlocked);
        Assert.True(s.Check(BuiltInLists.DohCanary, "ks2").IsBlocked);
        Assert.True(s.Check("https://dns.google/", "staff").IsBlocked);
    }

    public void Dispose() => _dir.Dispose();
}
