using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FilterProxy.Classifier.Extraction;
using FilterProxy.Core.Content;
using FilterProxy.Core.Text;

namespace FilterProxy.Classifier.Training;

/// <summary>
/// Reads training and evaluation data from the places <c>--data</c> names: the project's corpus folder
/// (<c>pages/</c>, <c>queries/</c>), the public sets folder (../shared/data: Davidson, Surge, dsojevic, LDNOOBW),
/// or one file: JSON lines (<c>{"text"|"html", "label"|"category"}</c> for pages,
/// <c>{"query", "risk", "theme"}</c> for searches) or CSV (<c>text,label</c>, or a known public layout).
/// Bad lines are reported with file and line and skipped; a file with nothing usable is an error.
/// </summary>
public sealed partial class TrainingData
{
    public List<LabelledText> Pages { get; } = [];

    public List<LabelledText> Queries { get; } = [];

    public List<string> Sources { get; } = [];

    public List<string> Problems { get; } = [];

    public static TrainingData Load(IEnumerable<string> paths, int seed)
    {
        var data = new TrainingData();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                data.LoadDirectory(path, seed);
            }
            else if (File.Exists(path))
            {
                data.LoadFile(path, Split.Any);
            }
            else
            {
                throw new FileNotFoundException($"training data not found: {path}", path);
            }
        }

        return data;
    }

    private void LoadDirectory(string path, int seed)
    {
        bool known = false;
        string pages = Path.Combine(path, "pages");
        if (Directory.Exists(pages))
        {
            known = true;
            Pages.AddRange(PageComposer.Compose(pages, seed));
            Sources.Add("FilterProxy's own corpus (classifier/Corpus/pages): page-like texts composed from sentence banks");
        }

        string queries = Path.Combine(path, "queries");
        if (Directory.Exists(queries))
        {
            known = true;
            var random = new Random(seed);
            foreach (string file in Directory.GetFiles(queries, "*.tsv").Order(StringComparer.Ordinal))
            {
                LoadQueries(file, random);
            }

            Sources.Add("FilterProxy's own search queries (classifier/Corpus/queries)");
            if (Directory.Exists(pages))
            {
                AddBenignQueries(pages);
            }
        }

        known |= PublicSets.Load(this, path);
        known |= PublicTextSets.Load(this, path, seed);
        foreach (string file in Directory.GetFiles(path, "*.jsonl").Order(StringComparer.Ordinal))
        {
            known = true;
            LoadFile(file, Split.Any);
        }

        if (!known)
        {
            throw new InvalidDataException($"{path}: no training data here (expected pages/, queries/, *.jsonl or the public sets)");
        }
    }

    /// <summary>risk TAB theme TAB query; each training query also gets two obfuscated variants.</summary>
    private void LoadQueries(string file, Random random)
    {
        string language = Path.GetFileNameWithoutExtension(file);
        int number = 0;
        foreach (string raw in File.ReadLines(file))
        {
            number++;
            if (raw.Length == 0 || raw.StartsWith('#'))
            {
                continue;
            }

            string[] parts = raw.Split('\t');
            if (parts.Length != 3 || !SearchRisk.Levels.Contains(parts[0]) || (parts[1] != "none" && !SearchRisk.Themes.Contains(parts[1])))
            {
                Problems.Add($"{file}:{number}: expected risk<TAB>theme<TAB>query with a known risk and theme");
                continue;
            }

            Split split = StableHash.InShare(parts[2], PageComposer.HeldOutPercent) ? Split.HeldOut : Split.Train;
            AddQuery(parts[2], parts[1], parts[0], $"corpus:queries/{language}", language, split);
            if (split == Split.Train)
            {
                for (int v = 0; v < 2; v++)
                {
                    AddQuery(Obfuscator.Apply(parts[2], Obfuscator.All[random.Next(Obfuscator.All.Count)], random, 0.6), parts[1], parts[0], $"corpus:queries/{language}", language, split);
                }
            }
        }
    }

    /// <summary>
    /// Ordinary searches are most of what pupils type: the safe corpus's everyday sentences cut to query length
    /// ("the water cycle evaporation condensation") and its terms become benign training queries.
    /// </summary>
    private void AddBenignQueries(string pages)
    {
        foreach (string file in Directory.GetFiles(Path.Combine(pages, "safe"), "*.txt").Order(StringComparer.Ordinal))
        {
            if (file.EndsWith("-help.txt", StringComparison.Ordinal))
            {
                continue;
            }

            string language = Path.GetFileName(file)[..2];
            foreach (string line in File.ReadLines(file).Where(static l => l.Length > 0 && !l.StartsWith('#')))
            {
                string[] words = line.Split([' ', ',', '.', ':', '?', '!', '(', ')', '|'], StringSplitOptions.RemoveEmptyEntries);
                string query = string.Join(' ', words.Take(2 + (int)(StableHash.Of(line) % 4))).ToLowerInvariant();
                AddQuery(query, "none", "none", "corpus:safe-queries", language, StableHash.InShare(query, PageComposer.HeldOutPercent) ? Split.HeldOut : Split.Train);
            }
        }
    }

    internal void AddQuery(string query, string theme, string risk, string source, string language, Split split, float weight = 1) =>
        Queries.Add(new LabelledText(query, theme, source, language) { Risk = risk, Split = split, Weight = weight });

    internal void AddPage(string text, string label, string source, string language, Split split, float weight = 1) =>
        Pages.Add(new LabelledText(text, label, source, language) { Split = split, Weight = weight });

    private void LoadFile(string path, Split split)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        int before = Pages.Count + Queries.Count;
        if (extension == ".jsonl")
        {
            LoadJsonLines(path, split);
        }
        else if (extension == ".csv")
        {
            if (!PublicSets.LoadCsv(this, path))
            {
                LoadGenericCsv(path, split);
            }
        }
        else
        {
            throw new InvalidDataException($"{path}: expected a .jsonl or .csv file, or a folder");
        }

        if (Pages.Count + Queries.Count == before)
        {
            throw new InvalidDataException($"{path}: no usable examples{(Problems.Count > 0 ? " (" + Problems[^1] + ")" : "")}");
        }

        Sources.Add(path);
    }

    private void LoadJsonLines(string path, Split split)
    {
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                JsonElement e = doc.RootElement;
                if (e.TryGetProperty("query", out JsonElement q))
                {
                    string risk = String(e, "risk") ?? throw new FormatException("a query needs \"risk\"");
                    AddQuery(q.GetString() ?? "", String(e, "theme") ?? "none", risk, path, String(e, "language") ?? String(e, "lang") ?? "en", split);
                    continue;
                }

                string? text = String(e, "text");
                if (String(e, "html") is { } html)
                {
                    text = HtmlText.Visible(html);
                }
                else if (text is not null && LooksLikeHtml(text))
                {
                    text = HtmlText.Visible(text);
                }

                string label = String(e, "label") ?? String(e, "category") ?? throw new FormatException("needs \"label\" or \"category\"");
                AddPage(text ?? throw new FormatException("needs \"text\" or \"html\""), LabelOf(label), path, String(e, "language") ?? String(e, "lang") ?? "en", split);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                Problems.Add($"{path}:{number}: {ex.Message}");
            }
        }
    }

    private void LoadGenericCsv(string path, Split split)
    {
        using var reader = new StreamReader(path);
        string[]? header = null;
        int number = 0;
        foreach (string[] row in Csv.Read(reader))
        {
            number++;
            if (header is null)
            {
                header = [.. row.Select(static h => h.Trim().ToLowerInvariant())];
                if (Array.IndexOf(header, "text") < 0 || (Array.IndexOf(header, "label") < 0 && Array.IndexOf(header, "category") < 0))
                {
                    Problems.Add($"{path}:1: the header needs \"text\" and \"label\" (or \"category\") columns");
                    return;
                }

                continue;
            }

            int text = Array.IndexOf(header, "text");
            int label = Array.IndexOf(header, "label") is >= 0 and var l ? l : Array.IndexOf(header, "category");
            if (row.Length <= Math.Max(text, label))
            {
                Problems.Add($"{path}:{number}: {row.Length} fields, fewer than the header");
                continue;
            }

            AddPage(LooksLikeHtml(row[text]) ? HtmlText.Visible(row[text]) : row[text], row[label].Trim(), path, "en", split);
        }
    }

    /// <summary>A label as other sets spell it ("malware-hacking", "self harm", "hate") → the model's label.</summary>
    internal static string LabelOf(string label)
    {
        string l = label.Trim().ToLowerInvariant();
        return l switch
        {
            "malware-hacking" or "hacking" or "phishing" or "scam" or "scams" => "malware",
            "self harm" or "selfharm" or "suicide" => "self-harm",
            "hate" or "abuse" or "hate-speech" => "discrimination",
            "weapons" => "violence",
            "adult" or "porn" => "pornography",
            "benign" or "none" or "ok" => "safe",
            _ => l,
        };
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool LooksLikeHtml(string text) => text.Contains("</", StringComparison.Ordinal) || text.Contains("<p", StringComparison.OrdinalIgnoreCase) || text.Contains("<html", StringComparison.OrdinalIgnoreCase);

    /// <summary>Tweets: @mentions, links and "RT" carry no meaning for a page classifier.</summary>
    internal static string CleanTweet(string tweet) => WebUtility.HtmlDecode(TweetNoise().Replace(tweet, " ")).Trim();

    [GeneratedRegex(@"(@\w+:?)|(https?://\S+)|(\bRT\b)")]
    private static partial Regex TweetNoise();
}
