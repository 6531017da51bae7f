using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FilterProxy.Core.Events;
using FilterProxy.Http.BlockPages;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>The proxy end to end with a real client (curl) on loopback: explicit HTTP, CONNECT, interception, blocks, errors.</summary>
public sealed class ProxyCurlTests(ProxyFixture fx) : IClassFixture<ProxyFixture>
{
    private int Http => fx.Origin.HttpPort;
    private int Https => fx.Origin.HttpsPort;

    [Fact]
    public async Task PlainHttp_IsForwardedAndLogged()
    {
        string output = await fx.Curl($"http://plain.test:{Http}/page?x=1");

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.Contains("hello from the origin", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == $"http://plain.test:{Http}/page?x=1");
        Assert.Equal(EventKind.Http, e.Kind);
        Assert.Equal("allow", e.Verdict);
        Assert.Equal(200, e.Status);
        Assert.Equal("127.0.0.1", e.ClientIp);
        Assert.Equal("nursery-ks1", e.Profile);
        Assert.True(e.Bytes > 0);
    }

    [Fact]
    public async Task BlockedCategory_Html_GetsTheBlockPage()
    {
        string output = await fx.Curl("-H", "Accept: text/html", $"http://bet.example:{Http}/page");

        Assert.StartsWith("HTTP/1.1 403", output, StringComparison.Ordinal);
        Assert.Contains("This page is blocked", output, StringComparison.Ordinal);
        Assert.Contains("Gambling", output, StringComparison.Ordinal);
        Assert.Contains("nursery-ks1/category/gambling", output, StringComparison.Ordinal);
        Assert.Contains("monitored", output, StringComparison.Ordinal);
        Assert.Contains("name=\"action\" value=\"review\"", output, StringComparison.Ordinal);
        Assert.Contains("name=\"action\" value=\"report\"", output, StringComparison.Ordinal);
        string reference = Header(output, "X-FilterProxy-Reference");
        Assert.Contains(reference, output[output.IndexOf("<html", StringComparison.Ordinal)..], StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Id == reference);
        Assert.Equal("block", e.Verdict);
        Assert.Equal("category", e.Reason);
        Assert.Contains("gambling", e.Categories);
    }

    [Fact]
    public async Task BlockedCategory_NotHtml_GetsAShort403()
    {
        string output = await fx.Curl("-H", "Accept: application/json", $"http://bet.example:{Http}/api");

        Assert.StartsWith("HTTP/1.1 403", output, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<html", output, StringComparison.Ordinal);
        Assert.Contains("Blocked (FilterProxy)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Google_SafeSearchIsForced_AndTheSearchTermCaptured()
    {
        string output = await fx.Curl($"http://www.google.com:{Http}/search?q=Cats+and++Dogs&safe=off");

        Assert.Contains("path=/search?q=Cats+and++Dogs&safe=active", output, StringComparison.Ordinal);
        Assert.DoesNotContain("safe=off", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Host == "www.google.com" && e.SearchTerm == "cats and dogs");
        Assert.Equal(EventKind.Search, e.Kind);
        Assert.Equal("allow-with-safe-search", e.Verdict);
    }

    [Fact]
    public async Task YouTube_GetsTheRestrictHeader()
    {
        string output = await fx.Curl($"http://www.youtube.com:{Http}/results?search_query=minecraft");

        Assert.Contains("youtube-restrict=Strict", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Host == "www.youtube.com" && e.SearchTerm == "minecraft");
        Assert.Equal(EventKind.Search, e.Kind);
    }

    [Fact]
    public async Task ConnectSplice_PassesTheOriginsOwnCertificateThrough()
    {
        string output = await fx.Curl("--cacert", fx.OriginCaFile, $"https://spliced.test:{Https}/page");

        Assert.Contains("HTTP/1.1 200 Connection established", output, StringComparison.Ordinal);
        Assert.Contains("hello from the origin", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Host == "spliced.test" && e.Kind == EventKind.HttpsSni);
        Assert.Equal("allow", e.Verdict);
        Assert.Equal("spliced", e.Note);
        Assert.True(e.Bytes > 0);
        Assert.Null(e.Url); // spliced: the gateway never saw the path
    }

    [Fact]
    public async Task Intercepted_HttpsShowsTheFullUrlAndSearchTerm()
    {
        // Only the school CA is trusted: curl succeeding proves the leaf was minted by it.
        string output = await fx.Curl("--cacert", fx.SchoolCaFile, $"https://secure.test:{Https}/search?q=Secret+Term");

        Assert.Contains("HTTP/1.1 200 OK", output, StringComparison.Ordinal);
        Assert.Contains("path=/search?q=Secret+Term", output, StringComparison.Ordinal);
        Assert.Contains("protocol=HTTP/2", output, StringComparison.Ordinal); // the pooled upstream client speaks HTTP/2 where the origin does
        FilterEvent e = await fx.EventAsync(e => e.Url == $"https://secure.test:{Https}/search?q=Secret+Term");
        Assert.Equal("https", e.Protocol);
        Assert.Equal("GET", e.Method);
    }

    [Fact]
    public async Task ClientThatRefusesTheSchoolCertificate_IsSplicedAfterThreeTries()
    {
        // A pinning client: it trusts only the origin's own CA, so it refuses every leaf the proxy mints. The proxy
        // records each refusal when the client's alert arrives, which can be just after curl has exited: so each try
        // waits for its event before the next (a try where curl hung up before alerting is not a refusal).
        FilterEvent? splicing = null;
        for (int i = 0; i < 6 && splicing is null; i++)
        {
            string refused = await fx.Curl("--cacert", fx.OriginCaFile, $"https://pinned.test:{Https}/page");
            Assert.DoesNotContain("hello from the origin", refused, StringComparison.Ordinal);
            FilterEvent e = (await fx.EventsAsync(static e => e.Host == "pinned.test" && e.Reason == "interception-failed", i + 1))[i];
            splicing = e.Note!.Contains("spliced for", StringComparison.Ordinal) ? e : null;
        }

        string spliced = await fx.Curl("--cacert", fx.OriginCaFile, $"https://pinned.test:{Https}/page");

        Assert.NotNull(splicing);
        Assert.Contains("3 times", splicing.Note, StringComparison.Ordinal);
        Assert.Contains("hello from the origin", spliced, StringComparison.Ordinal);
        Assert.Equal(EventKind.HttpsSni, splicing.Kind);
    }

    [Fact]
    public async Task Intercepted_BlockedSite_GetsTheBlockPage()
    {
        string output = await fx.Curl("--cacert", fx.SchoolCaFile, "-H", "Accept: text/html", $"https://bet.example:{Https}/page");

        Assert.Contains("HTTP/1.1 403", output, StringComparison.Ordinal);
        Assert.Contains("This page is blocked", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamWithAnUntrustedCertificate_GetsAPageThatSaysSo()
    {
        string output = await fx.Curl("--cacert", fx.SchoolCaFile, "-H", "Accept: text/html", $"https://untrusted.test:{fx.Origin.UntrustedPort}/page");

        Assert.Contains("HTTP/1.1 502", output, StringComparison.Ordinal);
        Assert.Contains("security certificate", output, StringComparison.Ordinal);
        Assert.Contains("not signed by a trusted authority", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hello from the origin", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Host == "untrusted.test" && e.Reason == "upstream-certificate");
        Assert.Equal("block", e.Verdict);
    }

    [Fact]
    public async Task Connect_ToAPortOtherThan443_IsRefusedForPupils()
    {
        string output = await fx.Curl("--interface", "127.0.0.2", "--cacert", fx.SchoolCaFile, $"https://secure.test:{Https}/page");

        Assert.Contains("403", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hello from the origin", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Reason == "connect-port" && e.ClientIp == "127.0.0.2");
        Assert.Equal(EventKind.Circumvention, e.Kind);
        Assert.Equal("ks2", e.Profile);
    }

    [Fact]
    public async Task ClientOutsideTheAllowedNetworks_IsRefused()
    {
        string output = await fx.Curl("--interface", "127.0.0.3", $"http://plain.test:{Http}/page");

        Assert.StartsWith("HTTP/1.1 403", output, StringComparison.Ordinal);
        Assert.Contains("serves only this school's networks", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsOverHttpsRequest_IsBlockedAsCircumvention()
    {
        string output = await fx.Curl("-X", "POST", "-H", "Content-Type: application/dns-message", "--data-binary", "xxxxxxxxxxxx", $"http://plain.test:{Http}/dns-query");

        Assert.StartsWith("HTTP/1.1 403", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Reason == "doh-request" && e.Host == "plain.test");
        Assert.Equal(EventKind.Circumvention, e.Kind);
    }

    /// <summary>
    /// A pupil's search that scores critical (suicide) gets the help page instead of the results (nursery-ks1: replace,
    /// no way on), the event carries the risk, so the DSL's alert follows; an ordinary search goes to the engine.
    /// </summary>
    [Fact]
    public async Task RiskySearch_GetsTheHelpPage_InsteadOfResults_AndTheRiskIsRecorded()
    {
        string url = $"http://www.google.com:{Http}/search?q=how+to+kill+myself+tonight";
        string output = await fx.Curl("-H", "Accept: text/html", url);

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.Contains("You are not alone", output, StringComparison.Ordinal);
        Assert.Contains("0800 1111", output, StringComparison.Ordinal);
        Assert.DoesNotContain(HelpPage.ContinuePath, output, StringComparison.Ordinal); // the youngest get no way on
        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        Assert.Equal(("risky-search-help", "critical", "suicide", "how to kill myself tonight"), (e.Reason, e.Risk, e.Theme, e.SearchTerm));

        string ordinary = await fx.Curl("-H", "Accept: text/html", $"http://www.google.com:{Http}/search?q=volcano+homework");
        Assert.DoesNotContain("You are not alone", ordinary, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpPage_ListsTheSchoolsOwnContacts_Encoded()
    {
        string html = HelpPage.Html("R1", mayContinue: true, ["Wellbeing team: Room 12 <Mrs Khan>"]);
        Assert.Contains("<li>Wellbeing team: Room 12 &lt;Mrs Khan&gt;</li>", html, StringComparison.Ordinal);
        Assert.Contains(HelpPage.ContinuePath + "?ref=R1", html, StringComparison.Ordinal);
    }

    /// <summary>Secondary (interrupt): help first, then a link on to the results that works once, for that pupil only.</summary>
    [Fact]
    public async Task RiskySearch_Secondary_HelpFirst_ThenContinueOnce()
    {
        string url = $"http://www.google.com:{Http}/search?q=best+way+to+kill+myself";
        string page = await fx.Curl("--interface", "127.0.0.4", "-H", "Accept: text/html", url);
        Assert.Contains("You are not alone", page, StringComparison.Ordinal);
        string reference = System.Text.RegularExpressions.Regex.Match(page, @"continue\?ref=([A-Za-z0-9%-]+)").Groups[1].Value;
        Assert.NotEmpty(reference);
        string continueUrl = $"http://www.google.com:{Http}{HelpPage.ContinuePath}?ref={reference}";

        Assert.StartsWith("HTTP/1.1 404", await fx.Curl("--interface", "127.0.0.2", continueUrl), StringComparison.Ordinal); // not this pupil's link
        string redirect = await fx.Curl("--interface", "127.0.0.4", continueUrl);
        Assert.StartsWith("HTTP/1.1 303", redirect, StringComparison.Ordinal);
        Assert.Contains("Location: " + url, redirect, StringComparison.Ordinal);
        Assert.DoesNotContain("You are not alone", await fx.Curl("--interface", "127.0.0.4", "-H", "Accept: text/html", url), StringComparison.Ordinal);
        Assert.Contains("You are not alone", await fx.Curl("--interface", "127.0.0.4", "-H", "Accept: text/html", url), StringComparison.Ordinal); // once
    }

    /// <summary>
    /// A help service is never blocked: here it is mislisted as gambling and serves the very page the content check
    /// blocks on another name; the pupil still gets it, and the event says why.
    /// </summary>
    [Fact]
    public async Task HelpService_MislistedAndFullOfTriggerWords_StillOpens()
    {
        string output = await fx.Curl("--compressed", "-H", "Accept: text/html", $"http://www.samaritans.org:{Http}/gambling.html");

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.Contains("Online casino", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == $"http://www.samaritans.org:{Http}/gambling.html");
        Assert.Equal(("allow", "helpservice"), (e.Verdict, e.Reason));
    }

    [Fact]
    public async Task ContentCheck_BlocksACompressedGamblingPage_AndExplainsWhy()
    {
        string output = await fx.Curl("-H", "Accept: text/html", $"http://plain.test:{Http}/gambling.html");

        Assert.StartsWith("HTTP/1.1 403", output, StringComparison.Ordinal);
        Assert.Contains("Blocked for what the page says", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == $"http://plain.test:{Http}/gambling.html");
        Assert.Equal("content", e.Reason);
        Assert.Contains("online casino", e.Content, StringComparison.Ordinal);
        Assert.InRange(e.Score ?? 0, 0.5, 1.0);                       // the score that crossed the profile's threshold
        Assert.Contains("gambling", e.Categories);
    }

    [Fact]
    public async Task ContentCheck_LetsASupportPageThrough_AndNeverReadsBinaries()
    {
        string help = await fx.Curl($"http://plain.test:{Http}/help.html");
        string binary = await fx.Curl("-o", "/dev/null", "-w", "%{http_code} %{size_download}", $"http://plain.test:{Http}/casino.bin");

        Assert.StartsWith("HTTP/1.1 200", help, StringComparison.Ordinal);
        Assert.Contains("Childline", help, StringComparison.Ordinal);
        Assert.EndsWith("200 5000", binary.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentCheck_TheModelBlocksAnUnlistedDrugsPage_ButNotTheDrugEducationPageWithTheSameWords()
    {
        // plain.test is on no list: only what the page says can block it (the juniors profile, ks2, via 127.0.0.2).
        string drugs = await fx.Curl("--interface", "127.0.0.2", $"http://plain.test:{Http}/drops.html");
        string facts = await fx.Curl("--interface", "127.0.0.2", $"http://plain.test:{Http}/drugs-facts.html");

        Assert.StartsWith("HTTP/1.1 403", drugs, StringComparison.Ordinal);
        Assert.Contains("Blocked for what the page says", drugs, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", facts, StringComparison.Ordinal);
        Assert.Contains("Talk to FRANK", facts, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == $"http://plain.test:{Http}/drops.html");
        Assert.Equal(("content", "ks2"), (e.Reason, e.Profile));
        Assert.Contains("drugs", e.Categories);
        Assert.Matches("\"[a-z ]+\" \\(\\+\\d", e.Content);          // the n-grams that weighed most, for the DSL
        Assert.InRange(e.Score ?? 0, 0.45, 1.0);
    }

    [Fact]
    public async Task SearchTerms_AreScoredForRisk_OnTheEvent()
    {
        await fx.Curl($"http://www.google.com:{Http}/search?q=how+to+k1ll+myself+tonight");
        await fx.Curl($"http://www.google.com:{Http}/search?q=kill+bill+cast");

        FilterEvent worrying = await fx.EventAsync(e => e.SearchTerm == "how to k1ll myself tonight");
        FilterEvent film = await fx.EventAsync(e => e.SearchTerm == "kill bill cast");
        Assert.Equal(("critical", "suicide"), (worrying.Risk, worrying.Theme));
        Assert.Equal((null, null), (film.Risk, film.Theme));
    }

    [Fact]
    public async Task BlockPageActions_LandInTheEventStore_WithTheSiteTheReferenceNames()
    {
        string blocked = await fx.Curl("-H", "Accept: text/html", $"http://bet.example:{Http}/page");
        string reference = Header(blocked, "X-FilterProxy-Reference");

        // The form's url field is rewritten to the whole of .com: the review still names the site that was blocked.
        string output = await fx.Curl("--data-urlencode", "action=review", "--data-urlencode", "ref=" + reference,
            "--data-urlencode", "url=http://com/", "--data-urlencode", "note=we need it for maths",
            $"http://bet.example:{Http}/.filterproxy/feedback");
        string unknown = await fx.Curl("--data-urlencode", "action=review", "--data-urlencode", "ref=ABCD-000001",
            "--data-urlencode", "url=http://com/", $"http://bet.example:{Http}/.filterproxy/feedback");

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.Contains("Thank you", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Kind == EventKind.BlockPageAction && e.Rule == reference);
        Assert.Equal("review-requested", e.Verdict);
        Assert.Equal("we need it for maths", e.Note);
        Assert.Equal("bet.example", e.Host);
        Assert.Equal($"http://bet.example:{Http}/page", e.Url);
        Assert.StartsWith("HTTP/1.1 200", unknown, StringComparison.Ordinal);
        FilterEvent u = await fx.EventAsync(e => e.Kind == EventKind.BlockPageAction && e.Rule == "ABCD-000001");
        Assert.Null(u.Host); // an unknown reference names no site: the review queue cannot turn it into an allow entry
    }

    [Fact]
    public async Task UnreachableOrigin_Gets502()
    {
        using var unused = new TcpListener(System.Net.IPAddress.Loopback, 0);
        unused.Start();
        int closed = ((System.Net.IPEndPoint)unused.LocalEndpoint).Port;
        unused.Stop();

        string output = await fx.Curl($"http://plain.test:{closed}/");

        Assert.StartsWith("HTTP/1.1 502", output, StringComparison.Ordinal);
        Assert.Contains("could not be reached", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedRequest_Gets400_AndTheProxyCarriesOn()
    {
        string response = await RawAsync("GET http://plain.test/ HTTP/1.1\r\nHost plain.test\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        string after = await fx.Curl($"http://plain.test:{Http}/page");
        Assert.StartsWith("HTTP/1.1 200", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedConnect_Gets400()
    {
        string response = await RawAsync("CONNECT no-port-here HTTP/1.1\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("not host:port", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PacFileAndCertificate_AreServedByTheProxyPort()
    {
        using var http = new HttpClient();
        string pac = await http.GetStringAsync($"{fx.ProxyUrl}/proxy.pac");
        byte[] der = await http.GetByteArrayAsync($"{fx.ProxyUrl}/school-ca.cer");
        string page = await http.GetStringAsync($"{fx.ProxyUrl}/ca");

        Assert.Contains($"PROXY 127.0.0.1:{fx.Proxy.Port}", pac, StringComparison.Ordinal);
        using X509Certificate2 ca = X509CertificateLoader.LoadCertificate(der);
        using X509Certificate2 onDisk = X509Certificate2.CreateFromPem(File.ReadAllText(fx.SchoolCaFile));
        Assert.Equal(onDisk.Thumbprint, ca.Thumbprint);
        Assert.Contains("Windows", page, StringComparison.Ordinal);
        Assert.Contains("Chromebooks", page, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(der))[..2], page, StringComparison.Ordinal);
    }

    /// <summary>Sends raw bytes to the proxy and returns the first read of its answer.</summary>
    private async Task<string> RawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fx.Proxy);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        byte[] buffer = new byte[1024];
        int n = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static string Header(string output, string name)
    {
        foreach (string line in output.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        throw new Xunit.Sdk.XunitException($"no {name} header in: {output}");
    }
}
