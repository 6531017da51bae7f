using System.Text.Json;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Cli;

/// <summary>The technician's question, through the real command line parser.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _config;

    public CheckCommandTests()
    {
        _dir.File("gambling.txt", "bet.example\n");
        _config = _dir.File("filterproxy.json", """
            { "dataDirectory": "data",
              "lists": [ { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" },
                         { "name": "games", "format": "domains", "category": "games", "source": "games.txt" } ],
              "groups": { "year2": { "profile": "nursery-ks1", "networks": ["10.2.0.0/16"] } },
              "schedules": [ { "name": "lunch", "profile": "ks2", "days": ["mon-fri"], "from": "12:00", "to": "13:00", "action": "allow", "categories": ["games"] } ] }
            """);
        _dir.File("games.txt", "games.example\n");
    }

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public async Task Check_Text_ExplainsWhy()
    {
        (int code, string output, _) = await Run("check", "--config", _config, "--profile", "ks2", "https://www.bet.example/poker");

        Assert.Equal(0, code);
        Assert.StartsWith("BLOCK  https://www.bet.example/poker", output, StringComparison.Ordinal);
        Assert.Contains("category    gambling (list gambling, entry bet.example)", output, StringComparison.Ordinal);
        Assert.Contains("profile 'ks2' blocks gambling", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Json_ForScripts_ClientPicksProfile()
    {
        (int code, string output, _) = await Run("check", "-c", _config, "--client", "10.2.3.4", "--json", "bet.example");

        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("block", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal("nursery-ks1", json.RootElement.GetProperty("profile").GetString());
        Assert.Equal("year2", json.RootElement.GetProperty("group").GetString());
        Assert.Equal("gambling", json.RootElement.GetProperty("category").GetString());
    }

    [Theory]
    [InlineData("2026-11-23 12:30", "allow")] // Monday lunch, school time
    [InlineData("2026-11-23 10:30", "block")]
    [InlineData("2026-11-23T12:30:00Z", "allow")]
    public async Task Check_At_UsesSchoolTime(string at, string verdict)
    {
        (int code, string output, _) = await Run("check", "-c", _config, "--profile", "ks2", "--at", at, "--json", "games.example");

        Assert.Equal(0, code);
        Assert.Equal(verdict, JsonDocument.Parse(output).RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Check_BadArguments_ClearErrors()
    {
        (int code, _, string error) = await Run("check", "-c", _config, "--client", "not-an-ip", "example.org");
        Assert.Equal(2, code);
        Assert.Contains("--client: 'not-an-ip' is not an IP address", error, StringComparison.Ordinal);

        (code, _, error) = await Run("check", "-c", _config, "--at", "tea time", "example.org");
        Assert.Equal(2, code);
        Assert.Contains("--at: 'tea time' is not a time", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_InvalidConfig_ListsEveryError()
    {
        string bad = _dir.File("bad.json", """{ "profiles": { "ks2": { "safeSearch": "loud", "blockedCategories": ["nope"] } }, "timeZone": "Nowhere" }""");

        (int code, _, string error) = await Run("check", "-c", bad, "example.org");

        Assert.Equal(2, code);
        Assert.Contains("3 configuration error(s)", error, StringComparison.Ordinal);
        Assert.Contains("profiles.ks2.safeSearch", error, StringComparison.Ordinal);
        Assert.Contains("profiles.ks2.blockedCategories[0]", error, StringComparison.Ordinal);
        Assert.Contains("timeZone", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListsStats_ReportsRejectedLinesWithFileAndLine()
    {
        _dir.File("gambling.txt", "bet.example\nbad entry here\nok.example\n");

        (int code, string output, _) = await Run("lists", "stats", "-c", _config);

        Assert.Equal(0, code);
        Assert.Contains("gambling.txt:2: unexpected text after the name", output, StringComparison.Ordinal);
        Assert.Contains("gambling", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListsStats_MissingList_ExitsNonZero()
    {
        File.Delete(Path.Combine(_dir.Path, "games.txt"));

        (int code, string output, _) = await Run("lists", "stats", "-c", _config);

        Assert.Equal(1, code);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
