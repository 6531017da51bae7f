using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FilterProxy.Core.Policy;
using FilterProxy.Hosting;
using FilterProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Proxy.Tests.Hosting;

/// <summary>The gateway on a real Kestrel socket (port 0 on loopback): health, test-a-URL, reload.</summary>
public sealed class GatewayAppTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private GatewayApp _app = null!;
    private string _config = null!;

    private static readonly IReadOnlyDictionary<string, string> s_env = GatewayTestEnvironment.Loopback;

    public async Task InitializeAsync()
    {
        _dir.File("gambling.txt", "bet.example\n");
        _config = _dir.File("filterproxy.json", Config("bet.example"));
        _app = await GatewayApp.StartAsync(_config, s_env, TextWriter.Null, CancellationToken.None);
        _http.BaseAddress = _app.AdminUri;
    }

    private static string Config(string deny) => $$"""
        { "dataDirectory": "data",
          "lists": [ { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" } ],
          "profiles": { "staff": { "deny": [ "{{deny}}" ] } } }
        """;

    [Fact]
    public async Task Healthz_ReportsPolicyAndLists()
    {
        using JsonDocument health = JsonDocument.Parse(await _http.GetStringAsync("/healthz"));

        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal(5, health.RootElement.GetProperty("profiles").GetInt32());
        JsonElement gambling = health.RootElement.GetProperty("lists").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "gambling");
        Assert.Equal(1, gambling.GetProperty("entries").GetInt64());
        Assert.True(gambling.GetProperty("lastRefresh").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        JsonElement runtime = health.RootElement.GetProperty("components").GetProperty("runtime");
        Assert.Equal(3, runtime.GetProperty("gcCollections").GetArrayLength()); // per generation
        Assert.True(runtime.GetProperty("gcPauseMs").GetDouble() >= 0);
        Assert.True(runtime.GetProperty("gcHeapBytes").GetInt64() > 0);
        Assert.True(runtime.GetProperty("jitMethods").GetInt64() > 0);
        Assert.True(runtime.GetProperty("threadPoolThreads").GetInt32() > 0);
    }

    [Fact]
    public async Task ApiCheck_AnswersLikeTheCommandLine()
    {
        DecisionReport? report = await _http.GetFromJsonAsync<DecisionReport>("/api/check?url=https://a.bet.example/x&profile=ks2");

        Assert.Equal("block", report!.Verdict);
        Assert.Equal("gambling", report.Category);
        Assert.Equal("bet.example", report.Entry);
    }

    [Fact]
    public async Task ApiCheck_BadInput_Is400WithEveryProblem()
    {
        HttpResponseMessage response = await _http.GetAsync("/api/check?client=nope&at=never");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("url", body, StringComparison.Ordinal);
        Assert.Contains("'nope' is not an IP address", body, StringComparison.Ordinal);
        Assert.Contains("'never' is not a date and time", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFileChange_SwapsSnapshot_InvalidChangeKeepsLastGood()
    {
        PolicySnapshotHolder holder = _app.Services.GetRequiredService<PolicySnapshotHolder>();
        PolicyReloader reloader = _app.Services.GetRequiredService<PolicyReloader>();
        long version = holder.Current.Version;
        var lists = holder.Current.Lists;
        Assert.Equal("allow", await Verdict("staff", "new-deny.example"));

        // A valid change: picked up from the file by the watcher.
        await File.WriteAllTextAsync(_config, Config("new-deny.example"));
        await WaitUntil(() => holder.Current.Version > version);
        Assert.Equal("block", await Verdict("staff", "new-deny.example"));
        Assert.Same(lists, holder.Current.Lists); // lists reused, not re-read
        long good = holder.Current.Version;

        // An invalid change: rejected with its reasons; the last good policy keeps filtering.
        await File.WriteAllTextAsync(_config, """{ "profiles": { "staff": { "deny": [ "bad entry!" ], "safeSearch": "loud" } } }""");
        await WaitUntil(() => reloader.LastErrors.Count > 0);
        Assert.Equal(good, holder.Current.Version);
        Assert.Equal(2, reloader.LastErrors.Count);
        Assert.Equal("block", await Verdict("staff", "new-deny.example"));
    }

    [Fact]
    public async Task Reload_ReusesListsWhenTheirDefinitionIsUnchanged()
    {
        PolicySnapshotHolder holder = _app.Services.GetRequiredService<PolicySnapshotHolder>();
        PolicyReloader reloader = _app.Services.GetRequiredService<PolicyReloader>();
        var before = holder.Current.Lists;

        Assert.True(await reloader.ReloadAsync("test", refreshLists: false, CancellationToken.None));
        Assert.Same(before, holder.Current.Lists);
        Assert.True(await reloader.ReloadAsync("test", refreshLists: true, CancellationToken.None));
        Assert.NotSame(before, holder.Current.Lists);
    }

    [Fact]
    public async Task Reload_ReReadsALocalListWhoseFileChanged()
    {
        PolicySnapshotHolder holder = _app.Services.GetRequiredService<PolicySnapshotHolder>();
        PolicyReloader reloader = _app.Services.GetRequiredService<PolicyReloader>();
        Assert.Equal("allow", await Verdict("staff", "127.1.7.9")); // staff: bare addresses are not blocked as such

        // What an operator does: append to the list file, then SIGHUP (here: the reload SIGHUP triggers).
        await File.AppendAllTextAsync(Path.Combine(_dir.Path, "gambling.txt"), "casino.example\n127.1.7.9\n");
        File.SetLastWriteTimeUtc(Path.Combine(_dir.Path, "gambling.txt"), DateTime.UtcNow.AddSeconds(1));
        Assert.True(await reloader.ReloadAsync("SIGHUP", refreshLists: false, CancellationToken.None));

        Assert.Equal("block", await Verdict("ks2", "casino.example"));
        Assert.Equal("block", await Verdict("staff", "127.1.7.9"));
    }

    private async Task<string?> Verdict(string profile, string url) =>
        (await _http.GetFromJsonAsync<DecisionReport>($"/api/check?url={url}&profile={profile}"))!.Verdict;

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the reload");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }
}
