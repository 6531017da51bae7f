using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// The outside probe's cases (issue 28), each through the running gateway with real sockets: what a pupil's or a staff
/// device could reach through the proxy, DNS-over-HTTPS that did not say so, fronting behind a never-intercept name, bare
/// addresses, the feedback form's rate, and the refused-connection log.
/// </summary>
public sealed class HardeningTests(HardeningFixture fx) : IClassFixture<HardeningFixture>
{
    private const string Staff = "127.0.0.5";
    private const string Pupil = "127.0.0.1";

    /// <summary>Every spelling the probe used for the gateway's own address (all reached the admin UI before).</summary>
    public static TheoryData<string> OwnAddressSpellings => new()
    {
        "2130706433", "127.1", "0x7f.1", "0177.0.0.1", "0x7f000001", "0.0.0.0", "127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]",
        "intranet.test", // a local name mapped to 127.0.0.1
    };

    [Theory]
    [MemberData(nameof(OwnAddressSpellings))]
    public async Task AdminPort_ThroughTheProxy_IsRefused_ForStaffAndPupils_HoweverSpelt(string host)
    {
        foreach (string from in new[] { Staff, Pupil })
        {
            foreach (string path in new[] { "/healthz", "/setup", "/api/lists" })
            {
                string response = await fx.RawAsync(from, $"GET http://{host}:{fx.AdminPort}{path} HTTP/1.1\r\nHost: {host}:{fx.AdminPort}\r\nConnection: close\r\n\r\n");

                Assert.True(response.StartsWith("HTTP/1.1 403", StringComparison.Ordinal), $"{from} → {host}{path}: {response}");
                Assert.DoesNotContain("policyVersion", response, StringComparison.Ordinal);
                Assert.DoesNotContain("setup code", response, StringComparison.OrdinalIgnoreCase);
            }
        }

        // Staff do not block bare addresses, so what stopped them is the destination check, and the event says so.
        FilterEvent e = await fx.EventAsync(e => e.ClientIp == Staff && e.Url is { } url && url.Contains($":{fx.AdminPort}/healthz", StringComparison.Ordinal) && e.Reason == "internal-destination");
        Assert.Equal("block", e.Verdict);
    }

    [Fact]
    public async Task WrongSignIns_SentThroughTheProxy_NeverReachTheAdmin_SoNoOneIsLockedOut()
    {
        AdminAccountStore accounts = fx.App.Services.GetRequiredService<AdminAccountStore>();
        if (accounts.Find("probe-dsl") is null)
        {
            (AdminAccount? made, string? error) = await accounts.CreateAsync("probe-dsl", "Probe DSL", "a long enough password 1", [AdminRoles.Dsl], pupilData: true);
            Assert.True(made is not null, error);
        }

        for (int i = 0; i < AdminAccountStore.LockoutFailures + 1; i++)
        {
            string body = "userName=probe-dsl&password=wrong";
            string response = await fx.RawAsync(Pupil, $"POST http://127.0.0.1:{fx.AdminPort}/signin HTTP/1.1\r\nHost: 127.0.0.1:{fx.AdminPort}\r\n" +
                $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
            Assert.StartsWith("HTTP/1.1 403", response, StringComparison.Ordinal);
        }

        SignInResult result = await accounts.SignInAsync("probe-dsl", "a long enough password 1");
        Assert.Equal(SignInOutcome.Ok, result.Outcome);
    }

    [Fact]
    public async Task Connect_ToTheEventStoresRedisPort_IsRefused_EvenForStaff_ByAddressOrName()
    {
        int before = fx.FakeRedis.Accepted;

        string byAddress = await fx.RawAsync(Staff, $"CONNECT 127.0.0.1:{fx.FakeRedis.Port} HTTP/1.1\r\nHost: 127.0.0.1:{fx.FakeRedis.Port}\r\n\r\nPING\r\nDBSIZE\r\n");
        string byName = await fx.RawAsync(Staff, $"CONNECT localhost:{fx.FakeRedis.Port} HTTP/1.1\r\nHost: localhost:{fx.FakeRedis.Port}\r\n\r\nPING\r\n");

        Assert.StartsWith("HTTP/1.1 403", byAddress, StringComparison.Ordinal);
        Assert.DoesNotContain("PONG", byAddress, StringComparison.Ordinal);
        Assert.DoesNotContain("PONG", byName, StringComparison.Ordinal);
        Assert.Equal(before, fx.FakeRedis.Accepted); // nothing ever reached it
        await fx.EventAsync(e => e.ClientIp == Staff && e.Host == "localhost" && e.Reason == "internal-destination");
    }

    [Fact]
    public async Task BareAddresses_AreBlockedForPupils_WhateverTheSpelling_ButNotForStaffOrAnAllowedAddress()
    {
        string dotted = await fx.Curl(Pupil, "-H", "Accept: text/html", $"http://127.0.0.20:{fx.BlockedSite.Port}/");
        string decimalForm = await fx.RawAsync(Pupil, $"GET http://2130706452:{fx.BlockedSite.Port}/ HTTP/1.1\r\nHost: 2130706452:{fx.BlockedSite.Port}\r\nConnection: close\r\n\r\n");
        string staff = await fx.Curl(Staff, $"http://127.0.0.20:{fx.BlockedSite.Port}/");
        string lab = await fx.Curl("127.0.0.6", $"http://127.0.0.20:{fx.BlockedSite.Port}/");

        Assert.StartsWith("HTTP/1.1 403", dotted, StringComparison.Ordinal);
        Assert.Contains("nursery-ks1/bare-address", dotted, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", decimalForm, StringComparison.Ordinal);
        Assert.Contains("the blocked site's page", staff, StringComparison.Ordinal);
        Assert.Contains("the blocked site's page", lab, StringComparison.Ordinal); // ks2-lab's allowAddresses
        FilterEvent e = await fx.EventAsync(e => e.ClientIp == Pupil && e.Host == "127.0.0.20" && e.Reason == "address");
        Assert.Equal("block", e.Verdict);
    }

    [Fact]
    public async Task Fronting_ConnectToABlockedSitesAddress_WithANeverInterceptName_NeverReachesThatAddress()
    {
        int before = fx.BlockedSite.Accepted;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(IPAddress.Parse(Staff), 0));
        await client.ConnectAsync(fx.Proxy);
        await client.SendAsync(Encoding.ASCII.GetBytes($"CONNECT 127.0.0.20:{fx.BlockedSite.Port} HTTP/1.1\r\nHost: 127.0.0.20:{fx.BlockedSite.Port}\r\n\r\n"));
        byte[] head = new byte[256];
        int n = await client.ReceiveAsync(head);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(head, 0, n), StringComparison.Ordinal);

        // The ClientHello names the bank (never intercepted, so spliced). The splice goes where bank.test resolves, not
        // to the address CONNECT named: the blocked site never sees the connection.
        await using var tls = new SslStream(new NetworkStream(client, ownsSocket: false), false, static (_, _, _, _) => true);
        await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "bank.test" })
            .WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(before, fx.BlockedSite.Accepted);
    }

    [Fact]
    public async Task DnsOverHttps_ThatDoesNotSayItIs_IsFoundByTheRequestOrTheResponse_PlainAndIntercepted()
    {
        string query = Convert.ToBase64String(Convert.FromHexString("abcd01000001000000000000076578616d706c6503636f6d0000010001")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string queryFile = Path.Combine(fx.DataDirectory, "..", "query.bin");
        await File.WriteAllBytesAsync(queryFile, Convert.FromHexString("abcd01000001000000000000076578616d706c6503636f6d0000010001"));
        int plain = fx.Origin.HttpPort;
        int secure = fx.Origin.HttpsPort;

        foreach (string baseUrl in new[] { $"http://doh.test:{plain}", $"https://doh.test:{secure}" })
        {
            // A GET with ?dns= and no DoH Accept header; the origin answers as application/octet-stream.
            string get = await fx.Curl(Pupil, "--cacert", fx.SchoolCaFile, "-H", "Accept: */*", $"{baseUrl}/dq?dns={query}");
            // A POST of a DNS message as application/octet-stream.
            string post = await fx.Curl(Pupil, "--cacert", fx.SchoolCaFile, "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + queryFile, $"{baseUrl}/dq");
            // Nothing in the request; the answer is application/dns-json.
            string json = await fx.Curl(Pupil, "--cacert", fx.SchoolCaFile, $"{baseUrl}/resolve?name=example.com&type=A");

            Assert.True(Response(get).StartsWith("HTTP/1.1 403", StringComparison.Ordinal), get);
            Assert.True(Response(post).StartsWith("HTTP/1.1 403", StringComparison.Ordinal), post);
            Assert.True(Response(json).StartsWith("HTTP/1.1 403", StringComparison.Ordinal), json);
            Assert.DoesNotContain("93.184.215.14", json, StringComparison.Ordinal);
        }

        FilterEvent byRequest = await fx.EventAsync(e => e.Url is { } u && u.Contains("/dq?dns=", StringComparison.Ordinal) && e.Protocol == "https");
        FilterEvent byResponse = await fx.EventAsync(e => e.Url is { } u && u.Contains("/resolve?", StringComparison.Ordinal) && e.Protocol == "http");
        Assert.Equal(EventKind.Circumvention, byRequest.Kind);
        Assert.Equal("doh-request", byRequest.Reason);
        Assert.Equal(EventKind.Circumvention, byResponse.Kind);
        Assert.Equal("doh-response", byResponse.Reason);
    }

    /// <summary>curl's output without the proxy's "200 Connection established" head of a tunnel.</summary>
    private static string Response(string output)
    {
        const string established = "Connection established\r\n\r\n";
        int at = output.IndexOf(established, StringComparison.Ordinal);
        return at < 0 ? output : output[(at + established.Length)..];
    }

    [Fact]
    public async Task AnOrdinaryUpload_AndAnOrdinaryDnsParameter_AreNotMistakenForDnsOverHttps()
    {
        string upload = await fx.Curl(Staff, "-H", "Content-Type: application/octet-stream", "--data-binary", "not a dns message at all, just bytes", $"http://doh.test:{fx.Origin.HttpPort}/upload");
        string parameter = await fx.Curl(Pupil, $"http://doh.test:{fx.Origin.HttpPort}/echo?dns=settings-page");

        Assert.StartsWith("HTTP/1.1 200", upload, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortHarmlessText_IsNotBlocked()
    {
        string response = await fx.Curl(Pupil, $"http://doh.test:{fx.Origin.HttpPort}/parking.txt");

        Assert.True(response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), response);
        Assert.Contains("Parking is not allowed here.", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFeedbackForm_IsRateLimitedPerClient()
    {
        const string from = "127.0.0.7";
        int accepted = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++)
        {
            string response = await fx.RawAsync(from, "POST http://blocked.test/.filterproxy/feedback HTTP/1.1\r\nHost: blocked.test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
                "Content-Length: 27\r\nConnection: close\r\n\r\naction=report&note=spam-spam");
            if (response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                accepted++;
            }
            else if (response.StartsWith("HTTP/1.1 429", StringComparison.Ordinal))
            {
                limited++;
            }
        }

        Assert.InRange(accepted, 10, 12); // the burst (and perhaps one refill), then 429
        Assert.Equal(30 - accepted, limited);
    }

    [Fact]
    public async Task IdleConnectionsOverTheCap_AreRefused_WithFewLogLines()
    {
        const string from = "127.0.0.9";
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 80; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
                await s.ConnectAsync(fx.Proxy);
                sockets.Add(s);
            }

            await Task.Delay(500);
        }
        finally
        {
            foreach (Socket s in sockets)
            {
                s.Dispose();
            }
        }

        int warnings = fx.Logs.Lines.Count(static l => l.Level >= LogLevel.Warning && l.Message.Contains("connection cap", StringComparison.Ordinal));
        Assert.InRange(warnings, 1, 2); // 60 refusals, at most one line per 10 seconds
        Assert.DoesNotContain(fx.Logs.Lines, static l => l.Level >= LogLevel.Information && l.Message.Contains("127.0.0.9", StringComparison.Ordinal));
    }
}
