using FilterProxy.Core.Events;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Identity;

/// <summary>
/// Identity through the real things: curl as the browser (proxy authentication, a cookie jar for the portal), Debian's
/// slapd as the school directory, dig as a device's resolver, a dnsmasq lease file rewritten while the gateway runs.
/// </summary>
public sealed class IdentityEndToEndTests(IdentityFixture fx) : IClassFixture<IdentityFixture>
{
    private string Page => $"http://plain.test:{fx.Origin.HttpPort}/page";

    [Fact]
    public async Task A_pupil_signs_in_with_curl_proxy_user_and_the_event_has_her_name_and_her_year_groups_profile()
    {
        string output = await fx.Curl("127.0.0.1", "--proxy-user", "amy:amy-pass-1", Page + "?amy");
        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.Contains("hello from the origin", output, StringComparison.Ordinal);

        FilterEvent e = await fx.EventAsync(x => x.Url?.EndsWith("/page?amy", StringComparison.Ordinal) == true);
        Assert.Equal("amy", e.User);
        Assert.Equal("Amy Pupil", e.DisplayName);
        Assert.Equal("nursery-ks1", e.Profile); // cn=year2 → nursery-ks1, not the lab group's secondary
        Assert.Equal("proxy-auth", e.IdentitySource);
        Assert.Equal("high", e.IdentityConfidence);
        Assert.Null(e.Vulnerable);

        string echo = await fx.Curl("127.0.0.1", "--proxy-user", "amy:amy-pass-1", $"http://plain.test:{fx.Origin.HttpPort}/echo");
        Assert.Contains("proxy-authorization=\n", echo, StringComparison.Ordinal); // credentials never reach the website
    }

    [Fact]
    public async Task Wrong_or_missing_credentials_get_407_with_a_basic_challenge_and_a_clear_page()
    {
        string wrong = await fx.Curl("127.0.0.1", "--proxy-user", "amy:not-her-password", Page);
        Assert.StartsWith("HTTP/1.1 407", wrong, StringComparison.Ordinal);
        Assert.Contains("Proxy-Authenticate: Basic realm=\"FilterProxy\"", wrong, StringComparison.Ordinal);
        Assert.Contains("The user name or password was not right", wrong, StringComparison.Ordinal);
        Assert.DoesNotContain("hello from the origin", wrong, StringComparison.Ordinal);

        string none = await fx.Curl("127.0.0.1", Page);
        Assert.StartsWith("HTTP/1.1 407", none, StringComparison.Ordinal);
        Assert.Contains("Please sign in", none, StringComparison.Ordinal);

        string unknown = await fx.Curl("127.0.0.1", "--proxy-user", "mallory:amy-pass-1", Page);
        Assert.StartsWith("HTTP/1.1 407", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_name_and_then_even_the_right_one_is_refused()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.StartsWith("HTTP/1.1 407", await fx.Curl("127.0.0.1", "--proxy-user", $"cat:guess-{i}", Page), StringComparison.Ordinal);
        }

        string locked = await fx.Curl("127.0.0.1", "--proxy-user", "cat:cat-pass-1", Page);
        Assert.StartsWith("HTTP/1.1 407", locked, StringComparison.Ordinal);
        Assert.Contains("Too many wrong passwords", locked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tunnels_need_credentials_too_and_the_decrypted_requests_are_the_signed_in_pupils()
    {
        string refused = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_connect}", "--max-time", "30", "--interface", "127.0.0.1",
            "-x", fx.ProxyUrl, "--cacert", fx.SchoolCaFile, $"https://secure.test:{fx.Origin.HttpsPort}/page"]);
        Assert.Contains("407", refused, StringComparison.Ordinal);

        string ok = await ExternalTool.RunAsync("curl", ["-sS", "--max-time", "30", "--interface", "127.0.0.1", "-x", fx.ProxyUrl,
            "--proxy-user", "amy:amy-pass-1", "--cacert", fx.SchoolCaFile, $"https://secure.test:{fx.Origin.HttpsPort}/page?tunnel"]);
        Assert.Contains("hello from the origin", ok, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(x => x.Url?.EndsWith("/page?tunnel", StringComparison.Ordinal) == true);
        Assert.Equal("https", e.Protocol);
        Assert.Equal("amy", e.User);
        Assert.Equal("nursery-ks1", e.Profile);
    }

    [Fact]
    public async Task A_vulnerable_pupil_gets_the_stricter_profile_and_is_flagged_and_staff_get_theirs()
    {
        Assert.StartsWith("HTTP/1.1 200", await fx.Curl("127.0.0.1", "--proxy-user", "ben:ben-pass-1", Page + "?ben"), StringComparison.Ordinal);
        FilterEvent ben = await fx.EventAsync(x => x.Url?.EndsWith("/page?ben", StringComparison.Ordinal) == true);
        Assert.Equal("nursery-ks1", ben.Profile); // year5 → ks2, vulnerable → one step stricter
        Assert.True(ben.Vulnerable);

        Assert.StartsWith("HTTP/1.1 200", await fx.Curl("127.0.0.1", "--proxy-user", "jones:jones-pass-1", Page + "?jones"), StringComparison.Ordinal);
        FilterEvent jones = await fx.EventAsync(x => x.Url?.EndsWith("/page?jones", StringComparison.Ordinal) == true);
        Assert.Equal("staff", jones.Profile);
        Assert.Equal("Mrs Jones", jones.DisplayName);
    }

    [Fact]
    public async Task With_the_directory_down_sign_in_fails_closed_with_a_clear_message_and_works_again_when_it_is_back()
    {
        await fx.Ldap.StopAsync();
        try
        {
            // A name not signed in before (so no cached success can answer).
            string down = await fx.Curl("127.0.0.1", "--proxy-user", "dee:dee-pass-1", Page);
            Assert.StartsWith("HTTP/1.1 503", down, StringComparison.Ordinal);
            Assert.Contains("school directory cannot be reached", down, StringComparison.Ordinal);
            Assert.DoesNotContain("hello from the origin", down, StringComparison.Ordinal);
        }
        finally
        {
            await fx.Ldap.RestartAsync();
        }

        string back = await fx.Curl("127.0.0.1", "--proxy-user", "jones:jones-pass-1", Page);
        Assert.StartsWith("HTTP/1.1 200", back, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_captive_portal_binds_the_address_with_a_cookie_jar_and_the_binding_expires_when_idle()
    {
        using var dir = new TempDirectory();
        string jar = Path.Combine(dir.Path, "cookies.txt");

        string first = await fx.CurlTransparent("127.0.0.4", "/page?portal", "-c", jar, "-b", jar);
        Assert.StartsWith("HTTP/1.1 302", first, StringComparison.Ordinal);
        Assert.Contains($"Location: http://plain.test:{fx.Origin.HttpPort}/.filterproxy/portal?return=", first, StringComparison.Ordinal);

        string form = await fx.CurlTransparent("127.0.0.4", "/.filterproxy/portal", "-c", jar, "-b", jar);
        Assert.Contains("name=\"password\"", form, StringComparison.Ordinal);

        string wrong = await fx.CurlTransparent("127.0.0.4", "/.filterproxy/portal", "-c", jar, "-b", jar,
            "--data-urlencode", "username=visitor", "--data-urlencode", "password=nope", "--data-urlencode", "return=http://plain.test/page");
        Assert.StartsWith("HTTP/1.1 403", wrong, StringComparison.Ordinal);
        Assert.Contains("not right", wrong, StringComparison.Ordinal);

        string signedIn = await fx.CurlTransparent("127.0.0.4", "/.filterproxy/portal", "-c", jar, "-b", jar,
            "--data-urlencode", "username=visitor", "--data-urlencode", "password=visitor-pass-1", "--data-urlencode", "return=http://plain.test/page");
        Assert.StartsWith("HTTP/1.1 200", signedIn, StringComparison.Ordinal);
        Assert.Contains("Visiting Speaker", signedIn, StringComparison.Ordinal);
        Assert.Contains("filterproxy_session", await File.ReadAllTextAsync(jar), StringComparison.Ordinal);

        string page = await fx.CurlTransparent("127.0.0.4", "/page?after-portal", "-c", jar, "-b", jar);
        Assert.StartsWith("HTTP/1.1 200", page, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(x => x.Url?.EndsWith("/page?after-portal", StringComparison.Ordinal) == true);
        Assert.Equal("visitor", e.User);
        Assert.Equal("portal", e.IdentitySource);
        Assert.Equal("guest", e.Profile); // role guest in the people import

        await Task.Delay(TimeSpan.FromSeconds(4.5)); // portalIdleSeconds is 3
        string expired = await fx.CurlTransparent("127.0.0.4", "/page?expired", "-c", jar, "-b", jar);
        Assert.StartsWith("HTTP/1.1 302", expired, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Intercepted_https_from_an_unidentified_portal_client_gets_a_page_that_links_to_the_portal()
    {
        string output = await fx.Curl("127.0.0.4", "--cacert", fx.SchoolCaFile, $"https://secure.test:{fx.Origin.HttpsPort}/page?unidentified");
        Assert.Contains("HTTP/1.1 511", output, StringComparison.Ordinal);
        Assert.Contains("Please sign in first", output, StringComparison.Ordinal);
        Assert.Contains("href=\"http://secure.test/.filterproxy/portal\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hello from the origin", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_of_the_portal_needs_the_sessions_cookie_and_ends_the_binding()
    {
        using var dir = new TempDirectory();
        string jar = Path.Combine(dir.Path, "cookies.txt");
        string signedIn = await fx.CurlTransparent("127.0.0.4", "/.filterproxy/portal", "-c", jar, "-b", jar,
            "--data-urlencode", "username=amy", "--data-urlencode", "password=amy-pass-1");
        Assert.StartsWith("HTTP/1.1 200", signedIn, StringComparison.Ordinal); // an LDAP user through the portal

        string forged = await fx.CurlTransparent("127.0.0.4", "/.filterproxy/signout", "-X", "POST");
        Assert.StartsWith("HTTP/1.1 403", forged, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await fx.CurlTransparent("127.0.0.4", "/page", "-b", jar), StringComparison.Ordinal);

        string signedOut = await fx.CurlTransparent("127.0.0.4", "/.filterproxy/signout", "-X", "POST", "-c", jar, "-b", jar);
        Assert.Contains("You are signed out", signedOut, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 302", await fx.CurlTransparent("127.0.0.4", "/page", "-b", jar), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spoofed_identity_header_from_an_untrusted_address_is_ignored_and_the_agents_is_believed()
    {
        Assert.StartsWith("HTTP/1.1 200", await fx.Curl("127.0.0.5", "-H", "X-Authenticated-User: jones", Page + "?spoofed"), StringComparison.Ordinal);
        FilterEvent spoofed = await fx.EventAsync(x => x.Url?.EndsWith("/page?spoofed", StringComparison.Ordinal) == true);
        Assert.NotEqual("jones", spoofed.User);
        Assert.Equal("secondary", spoofed.Profile); // the lab group's profile, not staff

        Assert.StartsWith("HTTP/1.1 200", await fx.Curl("127.0.0.7", "-H", "X-Authenticated-User: jones", Page + "?agent"), StringComparison.Ordinal);
        FilterEvent agent = await fx.EventAsync(x => x.Url?.EndsWith("/page?agent", StringComparison.Ordinal) == true);
        Assert.Equal("jones", agent.User);
        Assert.Equal("header", agent.IdentitySource);
        Assert.Equal("staff", agent.Profile); // not in the people import: her directory groups, looked up with the service account
        Assert.Equal("Mrs Jones", agent.DisplayName);
    }

    [Fact]
    public async Task A_dhcp_lease_names_the_device_and_a_rewritten_lease_file_is_read_again()
    {
        Assert.StartsWith("HTTP/1.1 200", await fx.Curl("127.0.0.8", Page + "?lease1"), StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(x => x.Url?.EndsWith("/page?lease1", StringComparison.Ordinal) == true);
        Assert.Equal("lib-08 (Library laptop 8)", e.Device);
        Assert.Equal("amy", e.User); // the device's owner
        Assert.Equal("dhcp", e.IdentitySource);
        Assert.Equal("low", e.IdentityConfidence);

        await File.WriteAllTextAsync(fx.LeaseFile, "0 66:55:44:33:22:11 127.0.0.8 visitors-phone *\nnot a lease line\n");
        FilterEvent after = null!;
        for (int i = 0; i < 40; i++)
        {
            await fx.Curl("127.0.0.8", Page + "?lease2-" + i);
            after = await fx.EventAsync(x => x.Url?.EndsWith("/page?lease2-" + i, StringComparison.Ordinal) == true);
            if (after.User is null)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Null(after.User);
        Assert.Equal("unregistered 66:55:44:33:22:11 (visitors-phone)", after.Device);
    }

    [Fact]
    public async Task A_dns_query_from_a_signed_in_address_carries_the_person()
    {
        Assert.StartsWith("HTTP/1.1 200", await fx.Curl("127.0.0.7", "-H", "X-Authenticated-User: amy", Page), StringComparison.Ordinal);
        string answer = await ExternalTool.RunAsync("dig", ["-b", "127.0.0.7", "-p", fx.App.DnsEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "@127.0.0.1", "bet.example", "A", "+tries=1", "+time=5"]);
        Assert.Contains("status: NXDOMAIN", answer, StringComparison.Ordinal);
        FilterEvent dns = await fx.EventAsync(x => x.Kind == EventKind.Dns && x.Host == "bet.example" && x.ClientIp == "127.0.0.7");
        Assert.Equal("amy", dns.User);
        Assert.Equal("header", dns.IdentitySource);
        Assert.Equal("nursery-ks1", dns.Profile);

        // So does her "please review" from a block page.
        await fx.Curl("127.0.0.7", "--data-urlencode", "action=review", "--data-urlencode", "url=http://bet.example/",
            "--data-urlencode", "note=homework on odds", "http://bet.example/.filterproxy/feedback");
        FilterEvent review = await fx.EventAsync(x => x.Kind == EventKind.BlockPageAction && x.Note == "homework on odds");
        Assert.Equal("amy", review.User);
        Assert.Equal("Amy Pupil", review.DisplayName);
    }
}
