using System.Net;
using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Policy;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Admin.Tests;

/// <summary>
/// Multi-site: the admin UI on its own (<c>filterproxy admin</c>) against a real redis-server shared with a gateway.
/// The gateway's blocked request reaches the admin's live feed; a change approved in the admin reaches the gateway;
/// the gateway reports itself on the admin's health page.
/// </summary>
public sealed class AdminAloneTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private RedisServer _redis = null!;
    private GatewayApp _gateway = null!;
    private AdminApp _admin = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _dir.File("self-harm.txt", "harm.example\n");
        string config = _dir.File("filterproxy.json", $$"""
            { "allowedClients": [ "127.0.0.0/8" ],
              "lists": [ { "name": "self-harm", "format": "domains", "category": "self-harm", "source": "self-harm.txt" } ],
              "groups": { "juniors": { "profile": "ks2", "networks": [ "127.0.0.0/8" ] } },
              "events": { "store": "redis", "redis": "{{_redis.Configuration}}", "sharedPolicy": true } }
            """);
        _gateway = await GatewayApp.StartAsync(config, GatewayTestEnvironment.With(("FILTERPROXY__events__nodeId", "site-a"), ("FILTERPROXY__dataDirectory", "data-a")), TextWriter.Null, CancellationToken.None);
        _admin = await AdminApp.StartAsync(config, GatewayTestEnvironment.With(("FILTERPROXY__events__nodeId", "admin"), ("FILTERPROXY__dataDirectory", "data-admin"),
            ("FILTERPROXY_TEST_ADMIN_ITERATIONS", "10000")), TextWriter.Null, CancellationToken.None);
        AdminAccountStore accounts = _admin.Services.GetRequiredService<AdminAccountStore>();
        foreach ((string user, string role) in new[] { ("dsl", AdminRoles.Dsl), ("tech", AdminRoles.Technician), ("head", AdminRoles.SeniorLeader) })
        {
            Assert.NotNull((await accounts.CreateAsync(user, user, AdminFixture.Password, [role], false)).Account);
        }
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_admin_alone_sees_the_gateways_alerts_and_status_and_its_changes_reach_the_gateway()
    {
        // The DSL's live feed on the admin, then a pupil's blocked request through the gateway.
        using AdminClient dsl = await AdminClient.SignInAsync(_admin.Uri, "dsl");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using Stream live = await dsl.OpenStreamAsync("/alerts/live", cancel.Token);
        using var reader = new StreamReader(live);
        Assert.Equal(": live", await reader.ReadLineAsync(cancel.Token));
        string blocked = await ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "20", "-x", $"http://{_gateway.ProxyEndPoint}", "http://harm.example/"]);
        Assert.Contains("403", blocked.Split('\n')[0], StringComparison.Ordinal);
        string? line;
        do
        {
            line = await reader.ReadLineAsync(cancel.Token);
        }
        while (line is not null && !line.StartsWith("data:", StringComparison.Ordinal));
        Assert.Contains("\"severity\":\"critical\"", line, StringComparison.Ordinal);
        Assert.Contains("self-harm", line, StringComparison.Ordinal);

        // The gateway reports itself to the admin's health page through Redis.
        string health = await (await dsl.GetAsync("/health")).Content.ReadAsStringAsync();
        Assert.Contains("<td>site-a</td><td class=\"ok\">ok</td>", health, StringComparison.Ordinal);

        // A change proposed and approved in the admin reaches the gateway.
        PolicyEvaluator gateway = _gateway.Services.GetRequiredService<PolicyEvaluator>();
        Assert.False(gateway.Snapshot.FindProfile("ks2")!.Blocked.Contains(Category.Streaming));
        using AdminClient tech = await AdminClient.SignInAsync(_admin.Uri, "tech");
        HttpResponseMessage proposed = await tech.PostFormAsync("/policy/profiles/ks2",
            [("Form.Description", "Key stage 2"), ("Form.Blocked", "streaming"), ("Form.Blocked", "games"), ("Form.SafeSearch", "strict"), ("Form.YouTube", "strict"), ("Form.ContentThreshold", "0.45"), ("Form.Tls", "intercept")]);
        string page = await proposed.Content.ReadAsStringAsync();
        Assert.True(proposed.StatusCode == HttpStatusCode.OK, page);
        string id = System.Text.RegularExpressions.Regex.Match(page, "chg-[0-9]{14}-[0-9a-f]{6}").Value;
        using AdminClient head = await AdminClient.SignInAsync(_admin.Uri, "head");
        Assert.Equal(HttpStatusCode.OK, (await head.PostFormAsync("/policy/changes?handler=Approve", [("id", id)], page: "/policy/changes")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!gateway.Snapshot.FindProfile("ks2")!.Blocked.Contains(Category.Streaming) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(gateway.Snapshot.FindProfile("ks2")!.Blocked.Contains(Category.Streaming), "the gateway did not reload the published change within 5 s");
    }

    [Fact]
    public async Task The_admin_alone_refuses_to_start_without_a_shared_redis_policy()
    {
        string config = _dir.File("single.json", """{ "allowedClients": [ "127.0.0.0/8" ] }""");
        var ex = await Assert.ThrowsAsync<FilterProxy.Core.Configuration.ConfigException>(() =>
            AdminApp.StartAsync(config, GatewayTestEnvironment.With(("FILTERPROXY__dataDirectory", "data-single")), TextWriter.Null, CancellationToken.None));
        Assert.Contains("sharedPolicy", ex.Message, StringComparison.Ordinal);
    }
}
