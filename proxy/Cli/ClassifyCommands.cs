using System.CommandLine;
using System.Text.Json;
using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Extraction;
using FilterProxy.Classifier.Model;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;
using FilterProxy.Core.Policy;

namespace FilterProxy.Cli;

/// <summary>
/// <c>classify --in --out [--profile]</c>: JSON lines <c>{"id","text"}</c> (text may be HTML) → <c>{"id","category","block",
/// "scores","explanation"}</c>. <c>search-risk --in --out</c>: <c>{"id","query"}</c> → <c>{"id","risk","theme"}</c>.
/// A line that cannot be read is answered with <c>{"id","error"}</c> (the id when it could be read, else the line
/// number) and the rest carry on; the exit code is 1 when any line failed.
/// </summary>
internal static class ClassifyCommands
{
    private static readonly Option<string> s_in = new("--in") { Description = "Input JSON lines", Required = true };
    private static readonly Option<string> s_out = new("--out") { Description = "Output JSON lines (- for standard output)", Required = true };

    public static Command Classify(TextWriter output, TextWriter error)
    {
        var profile = new Option<string>("--profile") { Description = "Profile whose blocked categories and threshold decide \"block\"", DefaultValueFactory = _ => "ks2" };
        var command = new Command("classify", "Classify pages: {\"id\",\"text\"} lines in, {\"id\",\"category\",\"block\",\"scores\",\"explanation\"} lines out.")
        {
            s_in, s_out, profile, ClassifierCommand.Model, ClassifierCommand.Phrases,
        };
        command.SetAction(parse => ClassifierCommand.Guard(error, () =>
        {
            Profile? p = ClassifierCommand.ProfileNamed(parse, parse.GetValue(profile)!, error);
            if (p is null)
            {
                return 2;
            }

            string? modelPath = parse.GetValue(ClassifierCommand.Model);
            var classifier = new ContentClassifier(modelPath is null ? ShippedModels.Content : ModelFile.Load(modelPath), ClassifierCommand.LoadPhrases(parse.GetValue(ClassifierCommand.Phrases)));
            return Lines(parse, output, error, "text", (id, text, w) =>
            {
                string plain = text.Contains('<', StringComparison.Ordinal) ? TextExtractor.FromHtml(text) : text;
                (ContentVerdict verdict, Dictionary<string, double> scores) = classifier.ClassifyWithScores(plain);
                CategoryScore? top = verdict.Scores.Count > 0 && verdict.Scores[0].Score >= 0.5 ? verdict.Scores[0] : null;
                CategoryScore? blocked = verdict.FirstBlocked(p.Blocked, p.ContentThreshold);
                w.WriteString("category", top is null ? "safe" : Categories.NameOf(top.Category));
                w.WriteBoolean("block", blocked is not null);
                w.WriteStartObject("scores");
                foreach ((string label, double score) in scores.OrderByDescending(static s => s.Value))
                {
                    w.WriteNumber(label, score);
                }

                w.WriteEndObject();
                w.WriteStartArray("explanation");
                foreach (string e in (blocked ?? top)?.Evidence ?? [])
                {
                    w.WriteStringValue(e);
                }

                w.WriteEndArray();
            });
        }));
        return command;
    }

    public static Command SearchRisk(TextWriter output, TextWriter error)
    {
        var command = new Command("search-risk", "Score search terms: {\"id\",\"query\"} lines in, {\"id\",\"risk\",\"theme\"} lines out.") { s_in, s_out, ClassifierCommand.Model };
        command.SetAction(parse => ClassifierCommand.Guard(error, () =>
        {
            string? modelPath = parse.GetValue(ClassifierCommand.Model);
            ISearchRiskScorer scorer = (modelPath is null ? ShippedModels.Search : SearchModels.Load(modelPath)).Scorer();
            return Lines(parse, output, error, "query", (id, query, w) =>
            {
                FilterProxy.Core.Content.SearchRisk risk = scorer.Score(query);
                w.WriteString("risk", risk.Level);
                w.WriteString("theme", risk.Theme ?? "none");
            });
        }));
        return command;
    }

    private static int Lines(ParseResult parse, TextWriter output, TextWriter error, string field, Action<string, string, Utf8JsonWriter> answer)
    {
        string inPath = parse.GetValue(s_in)!;
        string outPath = parse.GetValue(s_out)!;
        using TextReader reader = inPath == "-" ? Console.In : new StreamReader(inPath);
        using Stream sink = outPath == "-" ? Console.OpenStandardOutput() : File.Create(outPath);
        int number = 0;
        int failed = 0;
        int done = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using (var w = new Utf8JsonWriter(sink, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                string id = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                w.WriteStartObject();
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        throw new FormatException("expected a JSON object");
                    }

                    if (doc.RootElement.TryGetProperty("id", out JsonElement idElement))
                    {
                        id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText();
                    }

                    string value = doc.RootElement.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.String
                        ? v.GetString()!
                        : throw new FormatException($"\"{field}\" (a string) is missing");
                    w.WriteString("id", id);
                    answer(id, value, w);
                    done++;
                }
                catch (Exception e) when (e is JsonException or FormatException)
                {
                    w.Reset(sink);
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteString("error", $"line {number}: {e.Message}");
                    failed++;
                }

                w.WriteEndObject();
            }

            sink.WriteByte((byte)'\n');
        }

        error.WriteLine($"{done} line(s) scored{(failed > 0 ? $", {failed} could not be read (see \"error\" in the output)" : "")}");
        return failed > 0 ? 1 : 0;
    }
}
