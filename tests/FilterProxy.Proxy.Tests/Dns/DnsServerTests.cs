using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FilterProxy.Core.Events;
using FilterProxy.Events.Pipeline;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>The gateway's DNS server on loopback, asked by real clients: dig (UDP, TCP) and kdig (DoH).</summary>
public sealed class DnsServerTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly FakeDnsUpstream _upstream = new();
    private GatewayApp _app = null!;
    private IPEndPoint _dns = null!;

    public async Task InitializeAsync()
    {
        _upstream.Records["allowed.test"] = [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("2001:db8::10")];
        _upstream.Records["forcesafesearch.google.com"] = [IPAddress.Parse("216.239.38.120")];
        _upstream.Records["restrict.youtube.com"] = [IPAddress.Parse("216.239.38.119")];
        _upstream.Texts["big.test"] = new string('t', 900);
        _dir.File("gambling.txt", "bet.example\n");
        string config = _dir.File("filterproxy.json", $$"""
            { "dataDirectory": "data",
              "lists": [ { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" } ],
              "dns": { "upstreams": [ "{{_upstream.Address}}" ], "dohPort": 0, "repeatWindowSeconds": 1 } }
            """);
        Dictionary<string, string> env = GatewayTestEnvironment.With();
        env.Remove("FILTERPROXY__dns__upstreams__0");    // the file names the fake upstream
        _app = await GatewayApp.StartAsync(config, env, TextWriter.Null, CancellationToken.None);
        _dns = _app.DnsEndPoint;
    }

    [Fact]
    public async Task Dig_Udp_Allowed_Blocked_Aaaa_Https_Canary()
    {
        string allowed = await DnsTool.Dig(_dns, "allowed.test", "A");
        Assert.Equal("NOERROR", DnsTool.Status(allowed));
        Assert.Contains("192.0.2.10", allowed, StringComparison.Ordinal);

        string aaaa = await DnsTool.Dig(_dns, "allowed.test", "AAAA");
        Assert.Contains("2001:db8::10", aaaa, StringComparison.Ordinal);

        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_dns, "www.bet.example", "A")));
        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_dns, "bet.example", "AAAA")));
        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_dns, "bet.example", "TYPE65")));
        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_dns, "use-application-dns.net", "A")));
        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_dns, "dns.google", "A")));   // public DoH resolver
        Assert.DoesNotContain(_upstream.Asked, q => q.Contains("bet.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dig_SafeSearchCnames()
    {
        string google = await DnsTool.Dig(_dns, "www.google.co.uk", "A");
        Assert.Matches(@"www\.google\.co\.uk\.\s+\d+\s+IN\s+CNAME\s+forcesafesearch\.google\.com\.", google);
        Assert.Contains("216.239.38.120", google, StringComparison.Ordinal);

        string youtube = await DnsTool.Dig(_dns, "www.youtube.com", "A");
        Assert.Contains("CNAME\trestrict.youtube.com.", youtube, StringComparison.Ordinal); // unknown clients: nursery-ks1, strict
    }

    [Fact]
    public async Task Dig_Tcp_AndTruncationRetry()
    {
        string tcp = await DnsTool.Dig(_dns, "+tcp", "allowed.test", "A");
        Assert.Equal("NOERROR", DnsTool.Status(tcp));
        Assert.Contains("(TCP)", tcp, StringComparison.Ordinal);

        // Without EDNS a 900-byte answer does not fit UDP: TC set, dig retries over TCP by itself.
        string ignored = await DnsTool.Dig(_dns, "+noedns", "+ignore", "big.test", "TXT");
        Assert.Matches(@"flags: qr[^;]*\btc\b", ignored);
        string retried = await DnsTool.Dig(_dns, "+noedns", "big.test", "TXT");
        Assert.Contains("Truncated, retrying in TCP mode", retried, StringComparison.Ordinal);
        Assert.Contains(new string('t', 200), retried, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kdig_DnsOverHttps_VerifiedAgainstSchoolCa()
    {
        Uri doh = _app.DohUri!;
        string ca = Path.Combine(_dir.Path, "data", "ca", "school-ca.crt");
        string[] common = [$"@{doh.Host}", "-p", doh.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"+tls-ca={ca}", "+tls-hostname=localhost"];

        string post = await DnsTool.RunAsync("kdig", [.. common, "+https", "allowed.test", "A"]);
        Assert.Contains("(HTTP/2-POST)", post, StringComparison.Ordinal);
        Assert.Contains("192.0.2.10", post, StringComparison.Ordinal);

        string get = await DnsTool.RunAsync("kdig", [.. common, "+https-get", "bet.example", "A"]);
        Assert.Contains("(HTTP/2-GET)", get, StringComparison.Ordinal);
        Assert.Contains("NXDOMAIN", get, StringComparison.Ordinal);

        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        HttpResponseMessage bad = await http.GetAsync(new Uri(doh, "?dns=***"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        HttpResponseMessage wrongType = await http.PostAsync(doh, new StringContent("hello"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
    }

    [Fact]
    public async Task DohPost_WithAHugeChunkedBody_IsRefusedAfter4KB_NotReadWhole()
    {
        // A POST with no length, chunked: the endpoint must answer 413 once 4 KB have come, not wait for (and buffer) all
        // of it. The client sends 8 KB and then waits; before the fix nothing came back until the whole body had been sent.
        Uri doh = _app.DohUri!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(doh.Host, doh.Port);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, static (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http11],
        });
        string head = $"POST {doh.AbsolutePath} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/dns-message\r\nTransfer-Encoding: chunked\r\n\r\n";
        await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        byte[] chunk = new byte[1024];
        for (int i = 0; i < 8; i++)
        {
            await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes("400\r\n"));
            await tls.WriteAsync(chunk);
            await tls.WriteAsync("\r\n"u8.ToArray());
        }

        await tls.FlushAsync();
        byte[] answer = new byte[512];
        int n = await tls.ReadAsync(answer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", System.Text.Encoding.ASCII.GetString(answer, 0, n), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryQuery_BecomesAnEvent_CircumventionMarked()
    {
        await DnsTool.Dig(_dns, "bet.example", "A");
        await DnsTool.Dig(_dns, "dns.quad9.net", "A");
        EventPipeline pipeline = _app.Services.GetRequiredService<EventPipeline>();

        FilterEvent blocked = await WaitForEvent(pipeline, e => e.Host == "bet.example");
        Assert.Equal(("block", "127.0.0.1", "nursery-ks1", "A", "udp", "NXDOMAIN"), (blocked.Verdict, blocked.ClientIp, blocked.Profile, blocked.QueryType, blocked.Protocol, blocked.ResponseCode));
        Assert.Equal(["gambling"], blocked.Categories);
        Assert.Equal("gambling", blocked.List);
        FilterEvent doh = await WaitForEvent(pipeline, e => e.Host == "dns.quad9.net");
        Assert.Equal(EventKind.Circumvention, doh.Kind);
    }

    [Fact]
    public async Task RepeatedQueries_AreCountedIntoOneFurtherEvent()
    {
        Assert.Equal(["NXDOMAIN", "NXDOMAIN", "NXDOMAIN", "NXDOMAIN"], await DnsTool.DigRepeatedly(_dns, "bet.example", "A", 4)); // well within the 1 s window

        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_dns, "bet.example", "AAAA"))); // another type: its own event
        EventPipeline pipeline = _app.Services.GetRequiredService<EventPipeline>();
        FilterEvent counted = await WaitForEvent(pipeline, e => e.Host == "bet.example" && e.Repeats is not null);
        Assert.Equal((3, 3, "A", "block"), (counted.Repeats, counted.Count, counted.QueryType, counted.Verdict));
        await WaitForEvent(pipeline, e => e.Host == "bet.example" && e.QueryType == "AAAA");
        FilterEvent[] all = [.. pipeline.Recent().Where(e => e.Host == "bet.example")];
        Assert.Equal(5, all.Sum(e => e.Count));   // every query accounted for
        Assert.Equal(3, all.Length);              // in three events: the first A, the count of the rest, the AAAA
        Assert.True(all.Single(e => e.QueryType == "A" && e.Repeats is null).Time <= counted.Time); // the count carries the time of the last query (the same millisecond, when dig is quick)
    }

    [Fact]
    public async Task SameVerdictOnDnsAndHttpPaths()
    {
        using var http = new HttpClient { BaseAddress = _app.AdminUri };
        string[] names = ["bet.example", "www.bet.example", "allowed.test", "dns.google", "notbet.example", "bet.example.org"];
        foreach (string name in names)
        {
            _upstream.Records[name] = [IPAddress.Parse("192.0.2.20")]; // so NXDOMAIN can only mean "blocked"
        }

        foreach (string name in names)
        {
            using JsonDocument check = JsonDocument.Parse(await http.GetStringAsync($"/api/check?url={name}&client=127.0.0.1"));
            bool httpBlocks = check.RootElement.GetProperty("verdict").GetString() == "block";
            bool dnsBlocks = DnsTool.Status(await DnsTool.Dig(_dns, name, "A")) == "NXDOMAIN";
            Assert.True(httpBlocks == dnsBlocks, name);
        }
    }

    [Fact]
    public async Task TortureTest_CorruptPackets_ServerKeepsAnswering()
    {
        var random = new Random(20261121);
        byte[][] seeds = [DnsPackets.Query("allowed.test"), DnsPackets.Query("bet.example", 28, edns: true), DnsPackets.Query("a.b.c.d.e.f.example.org", 16, edns: true, dnssecOk: true)];
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        udp.Connect(_dns);
        for (int i = 0; i < 5_000; i++) // bounded in count, on loopback only
        {
            byte[] packet = Mutate(random, seeds[i % seeds.Length]);
            await udp.SendAsync(packet);
            if (i % 500 == 0)
            {
                await Task.Delay(20); // let the server keep up; this tests robustness, not speed
            }
        }

        for (int i = 0; i < 50; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(_dns);
            NetworkStream stream = tcp.GetStream();
            byte[] packet = Mutate(random, seeds[i % seeds.Length]);
            await stream.WriteAsync(new byte[] { (byte)(packet.Length >> 8), (byte)packet.Length });
            await stream.WriteAsync(packet.AsMemory(0, random.Next(packet.Length + 1))); // sometimes cut short
        }

        Assert.Equal("NOERROR", DnsTool.Status(await DnsTool.Dig(_dns, "allowed.test", "A")));
        Assert.Equal("NXDOMAIN", DnsTool.Status(await DnsTool.Dig(_dns, "+tcp", "bet.example", "A")));
    }

    internal static byte[] Mutate(Random random, byte[] seed)
    {
        byte[] packet = random.Next(10) == 0 ? new byte[random.Next(0, 600)] : (byte[])seed.Clone();
        if (packet.Length != seed.Length || random.Next(4) == 0)
        {
            random.NextBytes(packet);
        }

        int flips = random.Next(1, 6);
        for (int f = 0; f < flips && packet.Length > 0; f++)
        {
            packet[random.Next(packet.Length)] = (byte)random.Next(256);
        }

        if (random.Next(3) == 0 && packet.Length > 0)
        {
            packet = packet[..random.Next(packet.Length)];
        }

        if (packet.Length > 2 && random.Next(8) == 0)
        {
            packet[2] &= 0x7F; // keep it a "query" so deeper code runs
        }

        return packet;
    }

    private static async Task<FilterEvent> WaitForEvent(EventPipeline pipeline, Func<FilterEvent, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (pipeline.Recent().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the event never arrived");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
        _dir.Dispose();
    }
}
