using System.Text.Json;
using FilterProxy.Core.Text;

namespace FilterProxy.Classifier.Training;

/// <summary>
/// The public labelled sets in ../shared/data (credited in classifier/MODEL.md):
/// Davidson et al. tweets (hate 0, offensive 1, neither 2) and Surge AI toxicity comments → "discrimination"
/// (hate and abuse) or "safe" pages; Surge AI profanity, dsojevic's profanity list and LDNOOBW's word lists in 28
/// languages → search queries (sexual terms: pornography, medium; slurs: bullying, low).
/// Held out by a stable hash of the text (20%).
/// </summary>
internal static class PublicSets
{
    /// <summary>Tweets and comments are short and not pages; at full weight their thousands would outvote the page corpus.</summary>
    public const float TweetWeight = 0.15f;

    /// <summary>Bare words from profanity lists are thousands; written queries are hundreds. These keep the words from outvoting them.</summary>
    public const float WordListWeight = 0.1f;

    public static bool Load(TrainingData data, string directory)
    {
        bool any = false;
        foreach (string csv in new[] { "davidson/labeled_data.csv", "surge/toxicity_en.csv", "surge/profanity_en.csv" })
        {
            string path = Path.Combine(directory, csv);
            if (File.Exists(path))
            {
                any |= LoadCsv(data, path);
            }
        }

        string dsojevic = Path.Combine(directory, "dsojevic", "en.json");
        if (File.Exists(dsojevic))
        {
            any = true;
            LoadDsojevic(data, dsojevic);
        }

        string ldnoobw = Path.Combine(directory, "ldnoobw");
        if (Directory.Exists(ldnoobw))
        {
            any = true;
            foreach (string file in Directory.GetFiles(ldnoobw).Order(StringComparer.Ordinal))
            {
                string language = Path.GetFileName(file);
                foreach (string word in File.ReadLines(file).Select(static w => w.Trim()).Where(static w => w.Length >= 3))
                {
                    data.AddQuery(word, "pornography", "medium", "ldnoobw/" + language, language, SplitOf(word), WordListWeight);
                }
            }

            data.Sources.Add("LDNOOBW List of Dirty, Naughty, Obscene and Otherwise Bad Words (CC BY 4.0), 28 languages");
        }

        return any;
    }

    /// <summary>Recognises a public CSV by its header; false when the header is not one of them.</summary>
    public static bool LoadCsv(TrainingData data, string path)
    {
        using var reader = new StreamReader(path);
        string[]? header = null;
        int kept = 0;
        foreach (string[] row in Csv.Read(reader))
        {
            if (header is null)
            {
                header = row;
                if (!(Has(header, "tweet") && Has(header, "class")) && !(Has(header, "text") && Has(header, "is_toxic")) && !(Has(header, "text") && Has(header, "category_1")))
                {
                    return false;
                }

                continue;
            }

            if (row.Length != header.Length)
            {
                data.Problems.Add($"{path}: a row with {row.Length} fields (header has {header.Length}) skipped");
                continue;
            }

            if (Has(header, "tweet"))
            {
                string text = TrainingData.CleanTweet(row[Array.IndexOf(header, "tweet")]);
                string cls = row[Array.IndexOf(header, "class")];

                // The offensive class is 13 times the hate class; one in four keeps "discrimination" from being mostly swearing.
                if (text.Length == 0 || (cls == "1" && StableHash.Of(text) % 4 != 0))
                {
                    continue;
                }

                data.AddPage(text, cls == "2" ? "safe" : "discrimination", "davidson", "en", SplitOf(text), TweetWeight);
            }
            else if (Has(header, "is_toxic"))
            {
                string text = row[Array.IndexOf(header, "text")];
                data.AddPage(text, row[Array.IndexOf(header, "is_toxic")] == "Toxic" ? "discrimination" : "safe", "surge-toxicity", "en", SplitOf(text), TweetWeight);
            }
            else
            {
                string text = row[Array.IndexOf(header, "text")];
                string category = row[Array.IndexOf(header, "category_1")];
                (string theme, string risk)? label = category.StartsWith("sexual anatomy", StringComparison.Ordinal) ? ("pornography", "medium")
                    : category is "racial / ethnic slurs" or "sexual orientation / gender" or "religious offense" or "mental disability" ? ("bullying", "low")
                    : null;
                if (label is { } l)
                {
                    data.AddQuery(text, l.theme, l.risk, "surge-profanity", "en", SplitOf(text), WordListWeight);
                }
            }

            kept++;
        }

        data.Sources.Add(Path.GetFileName(Path.GetDirectoryName(path)) switch
        {
            "davidson" => "Davidson et al., Hate Speech and Offensive Language (MIT): tweets, hate and offensive → discrimination, neither → safe",
            _ when Has(header ?? [], "is_toxic") => "Surge AI toxicity (MIT): toxic → discrimination, not toxic → safe",
            _ => "Surge AI profanity (MIT): sexual terms → pornography queries, slurs → bullying queries",
        });
        return kept > 0 || header is not null;
    }

    private static void LoadDsojevic(TrainingData data, string path)
    {
        using FileStream file = File.OpenRead(path);
        using JsonDocument doc = JsonDocument.Parse(file);
        foreach (JsonElement entry in doc.RootElement.EnumerateArray())
        {
            string[] tags = [.. entry.GetProperty("tags").EnumerateArray().Select(static t => t.GetString() ?? "")];
            (string theme, string risk)? label = tags.Contains("sexual") || tags.Contains("shock") ? ("pornography", "medium")
                : tags.Contains("racial") || tags.Contains("lgbtq") || tags.Contains("religious") ? ("bullying", "low")
                : null;
            if (label is not { } l)
            {
                continue;
            }

            foreach (string term in (entry.GetProperty("match").GetString() ?? "").Split('|').Where(static t => t.Length >= 3 && !t.Contains('*')))
            {
                data.AddQuery(term, l.theme, l.risk, "dsojevic", "en", SplitOf(term), WordListWeight);
            }
        }

        data.Sources.Add("dsojevic/profanity-list (MIT): sexual and shock terms → pornography queries, slurs → bullying queries");
    }

    private static Split SplitOf(string text) => StableHash.InShare(text, PageComposer.HeldOutPercent) ? Split.HeldOut : Split.Train;

    private static bool Has(string[] header, string name) => Array.IndexOf(header, name) >= 0;
}
