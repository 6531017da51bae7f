using System.Text.Json;
using FilterProxy.Cli;
using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Cli;

/// <summary>classify, search-risk and classifier train/eval through the real command line, on files.</summary>
public sealed class ClassifierCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _config;

    public ClassifierCommandTests() => _config = _dir.File("filterproxy.json", """{ "dataDirectory": "data" }""");

    public void Dispose() => _dir.Dispose();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync([.. args, "--config", _config], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private List<JsonElement> Lines(string file) =>
        [.. File.ReadAllLines(Path.Combine(_dir.Path, file)).Select(static l => JsonDocument.Parse(l).RootElement.Clone())];

    [Fact]
    public async Task Classify_JsonLinesInAndOut_BadLinesAnsweredWithTheirError()
    {
        _dir.File("pages.jsonl", string.Join("\n",
            JsonSerializer.Serialize(new { id = "drops", text = Http.TestOrigin.DrugsPage }),
            JsonSerializer.Serialize(new { id = "facts", text = Http.TestOrigin.DrugsFactsPage }),
            """{"id":"no-text"}""",
            "{broken"));

        (int code, _, string err) = await Run("classify", "--in", Path.Combine(_dir.Path, "pages.jsonl"), "--out", Path.Combine(_dir.Path, "out.jsonl"), "--profile", "ks2");

        List<JsonElement> lines = Lines("out.jsonl");
        Assert.Equal(1, code);                                           // some lines could not be read
        Assert.Contains("2 line(s) scored, 2 could not be read", err, StringComparison.Ordinal);
        Assert.Equal(["drops", "facts", "no-text", "4"], lines.Select(static l => l.GetProperty("id").GetString()));
        Assert.Equal(("drugs", true), (lines[0].GetProperty("category").GetString(), lines[0].GetProperty("block").GetBoolean()));
        Assert.NotEmpty(lines[0].GetProperty("explanation").EnumerateArray());
        Assert.Equal(10, lines[0].GetProperty("scores").EnumerateObject().Count());
        Assert.Equal(("safe", false), (lines[1].GetProperty("category").GetString(), lines[1].GetProperty("block").GetBoolean()));
        Assert.Contains("\"text\"", lines[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("line 4:", lines[3].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchRisk_JsonLinesInAndOut()
    {
        _dir.File("queries.jsonl", """
            {"id":"a","query":"how to kms"}
            {"id":"b","query":"how did hitler rise to power"}
            """);

        (int code, _, _) = await Run("search-risk", "--in", Path.Combine(_dir.Path, "queries.jsonl"), "--out", Path.Combine(_dir.Path, "risk.jsonl"));

        Assert.Equal(0, code);
        List<JsonElement> lines = Lines("risk.jsonl");
        Assert.Equal(("critical", "suicide"), (lines[0].GetProperty("risk").GetString(), lines[0].GetProperty("theme").GetString()));
        Assert.Equal(("none", "none"), (lines[1].GetProperty("risk").GetString(), lines[1].GetProperty("theme").GetString()));
    }

    [Fact]
    public async Task TrainThenEval_OnAJsonLinesFile()
    {
        // Pages of twelve words or more: a shorter text is judged mostly by the phrase lists, not the model (ContentClassifier.Trust).
        string[] gambling =
        [
            "online casino free spins every day for new players who join the site tonight",
            "bet on football odds tonight and win big with our best tips for every match",
            "roulette and blackjack jackpot games at the live casino table with real dealers now",
            "deposit bonus slots and jackpots for every player who signs up before the weekend",
        ];
        string[] safe =
        [
            "maths homework fractions worksheet for year five pupils to finish before the lesson on monday",
            "the water cycle for year five explained with evaporation condensation and rain in pictures",
            "football match report from saturday when our under twelves won three nil in the park",
            "easy cake recipe with flour eggs sugar and butter baked for twenty five minutes at home",
        ];
        _dir.File("train.jsonl", string.Join("\n", [.. gambling.Select(static t => JsonSerializer.Serialize(new { text = t, label = "gambling" })),
            .. safe.Select(static t => JsonSerializer.Serialize(new { text = t, label = "safe" }))]));
        string model = Path.Combine(_dir.Path, "mine.model");

        (int trained, string trainOut, string trainErr) = await Run("classifier", "train", "--data", Path.Combine(_dir.Path, "train.jsonl"), "--out", model, "--epochs", "20");
        (int evaluated, string evalOut, _) = await Run("classifier", "eval", "--data", Path.Combine(_dir.Path, "train.jsonl"), "--model", model, "--profile", "ks2");

        Assert.True(trained == 0, trainErr);
        Assert.Contains("wrote", trainOut, StringComparison.Ordinal);
        Assert.True(File.Exists(model));
        Assert.Equal(0, evaluated);
        Assert.Matches(@"gambling\s+4\s+1\.000\s+1\.000\s+1\.000", evalOut);        // it learnt what it was shown
        Assert.Contains("false-block rate on safe pages 0/4", evalOut, StringComparison.Ordinal);
        Assert.Contains("actual \\ predicted", evalOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadDataAndDamagedModels_GetOneClearLine()
    {
        string model = _dir.File("bad.model", "FPCM this is not a model");
        _dir.File("page.jsonl", """{"id":1,"text":"hello"}""");

        (int missing, _, string missingErr) = await Run("classifier", "train", "--data", Path.Combine(_dir.Path, "nope.jsonl"), "--out", Path.Combine(_dir.Path, "x.model"));
        (int damaged, _, string damagedErr) = await Run("classify", "--in", Path.Combine(_dir.Path, "page.jsonl"), "--out", Path.Combine(_dir.Path, "o.jsonl"), "--model", model);
        (int profile, _, string profileErr) = await Run("classify", "--in", Path.Combine(_dir.Path, "page.jsonl"), "--out", Path.Combine(_dir.Path, "o.jsonl"), "--profile", "year-12");

        Assert.Equal((2, 2, 2), (missing, damaged, profile));
        Assert.StartsWith("error: training data not found", missingErr, StringComparison.Ordinal);
        Assert.Contains("bad.model", damagedErr, StringComparison.Ordinal);
        Assert.Contains("no profile 'year-12'", profileErr, StringComparison.Ordinal);
    }
}
