using System.Text.Json;

namespace FilterProxy.Classifier.Training;

/// <summary>
/// The public labelled text and lexicons in ../shared/data (see its ATTRIBUTION.md; credited in classifier/MODEL.md), read
/// at training time only — nothing of them is copied into the project or the model file but learned weights:
/// <list type="bullet">
/// <item>hate and abuse in eight languages (<c>text/*/data.jsonl</c>): hate, abuse and hate-or-offensive → discrimination;
/// insults (offensive) → discrimination at half weight; profanity alone, "disputed", "unclear" and "weakly toxic" are left
/// out (swearing is not hate: HateCheck and ToxiGen judge exactly that); safe → safe, and COLD's anti-bias texts (that
/// oppose bias) → safe at double weight;</item>
/// <item>e2guardian's weighted phrase lists (GPL-2.0): each category's phrases → short term pages of that category, its
/// "good phrases" (news, health, education) → safe;</item>
/// <item>the suicide-risk lexicon (Apache-2.0): ideation, planning, lethal means, self-injury and eating-disorder terms →
/// self-harm term pages, and search queries;</item>
/// <item>LDNOOBW (28 languages): sexual and obscene words → pornography term pages (the languages pupils read).</item>
/// </list>
/// Each source keeps its own name, so <c>classifier eval --loso</c> can leave it out of training and judge the model on it.
/// </summary>
internal static class PublicTextSets
{
    /// <summary>Short social-media texts are not pages: at full weight their tens of thousands would outvote the pages.</summary>
    public const float TextWeight = 0.15f;

    /// <summary>Term pages say only that a word belongs to a category: they teach vocabulary, not pages.</summary>
    public const float TermPageWeight = 0.3f;

    private static readonly string[] s_frames =
    [
        "Popular searches: {0}.", "Trending now: {0}.", "Related topics: {0}.", "Tags: {0}.", "See also: {0}.",
        "Most viewed this week: {0}.", "Categories: {0}.", "You might also like: {0}.", "{0}", "Browse: {0}.",
    ];

    public static bool Load(TrainingData data, string directory, int seed)
    {
        bool any = false;
        string text = Path.Combine(directory, "text");
        if (Directory.Exists(text))
        {
            foreach (string set in Directory.GetDirectories(text).Order(StringComparer.Ordinal))
            {
                string file = Path.Combine(set, "data.jsonl");
                if (File.Exists(file))
                {
                    any |= LoadLabelledSet(data, file, Path.GetFileName(set));
                }
            }
        }

        var random = new Random(seed);
        string e2guardian = Path.Combine(directory, "lexicons", "e2guardian-phraselists", "phrases.jsonl");
        if (File.Exists(e2guardian))
        {
            any = true;
            LoadE2Guardian(data, e2guardian, random);
        }

        string lexicon = Path.Combine(directory, "lexicons", "suicide-risk-lexicon-en", "lexicon.jsonl");
        if (File.Exists(lexicon))
        {
            any = true;
            LoadSuicideLexicon(data, lexicon, random);
        }

        string ldnoobw = Path.Combine(directory, "ldnoobw");
        if (Directory.Exists(ldnoobw))
        {
            var byLanguage = Directory.GetFiles(ldnoobw).Order(StringComparer.Ordinal)
                .ToDictionary(static f => Path.GetFileName(f), static f => File.ReadLines(f).Select(static w => w.Trim()).Where(static w => w.Length >= 3).ToList());
            foreach ((string language, List<string> words) in byLanguage)
            {
                AddTermPages(data, words, "pornography", "public:ldnoobw", language, Math.Min(words.Count, 60), random);
            }
        }

        return any;
    }

    /// <summary>The label a public set's label becomes, and how much it counts (null: left out).</summary>
    public static (string Label, float Weight)? Map(string label) => label switch
    {
        "hate" or "hate_or_abuse" or "hate_sexism" or "hate_religious" or "offensive_or_hate" => ("discrimination", 1f),
        "offensive" => ("discrimination", 0.5f),
        "safe" => ("safe", 1f),
        "safe_antibias" => ("safe", 2f),
        _ => null, // profanity, weak_toxic_minority, disputed, unclear, hate_in_context
    };

    private static bool LoadLabelledSet(TrainingData data, string file, string name)
    {
        int kept = 0;
        int number = 0;
        foreach (string line in File.ReadLines(file))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement e = doc.RootElement;
            string? text = e.TryGetProperty("text", out JsonElement t) ? t.GetString() : null;
            string? label = e.TryGetProperty("label", out JsonElement l) ? l.GetString() : null;
            string language = e.TryGetProperty("lang", out JsonElement g) ? g.GetString() ?? "und" : "und";
            if (string.IsNullOrWhiteSpace(text) || label is null || Map(label) is not { } mapped)
            {
                continue;
            }

            string clean = TrainingData.CleanTweet(text);
            if (clean.Length < 3)
            {
                continue;
            }

            data.AddPage(clean, mapped.Label, "public:" + name, language, StableHash.InShare(clean, PageComposer.HeldOutPercent) ? Split.HeldOut : Split.Train, TextWeight * mapped.Weight);
            kept++;
        }

        data.Sources.Add($"{name} ({kept} texts; ../shared/data/text/{name}, see its SOURCE.md and licence)");
        return kept > 0;
    }

    private static readonly Dictionary<string, string> s_e2guardianCategories = new(StringComparer.Ordinal)
    {
        ["pornography"] = "pornography", ["adult"] = "pornography", ["nudism"] = "pornography",
        ["gambling"] = "gambling",
        ["illegaldrugs"] = "drugs", ["drugadvocacy"] = "drugs",
        ["weapons"] = "violence", ["violence"] = "violence", ["gore"] = "violence",
        ["intolerance"] = "discrimination",
        ["malware"] = "malware", ["idtheft"] = "malware",
        ["warezhacking"] = "piracy", ["peer2peer"] = "piracy",
        ["goodphrases"] = "safe", ["news"] = "safe", ["sport"] = "safe", ["travel"] = "safe", ["music"] = "safe",
    };

    private static void LoadE2Guardian(TrainingData data, string file, Random random)
    {
        var terms = new Dictionary<(string Label, string Language), List<string>>();
        foreach (string line in File.ReadLines(file))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement e = doc.RootElement;
            string category = e.GetProperty("category").GetString() ?? "";
            string listType = e.GetProperty("list_type").GetString() ?? "";
            if (!listType.StartsWith("weighted", StringComparison.Ordinal) || !s_e2guardianCategories.TryGetValue(category, out string? label))
            {
                continue;
            }

            int weight = e.TryGetProperty("weight", out JsonElement w) && w.ValueKind == JsonValueKind.Number ? w.GetInt32() : 0;
            if ((label == "safe" && category == "goodphrases" && weight >= 0) || (label != "safe" && weight <= 0))
            {
                continue;
            }

            string phrase = string.Join(' ', e.GetProperty("phrases").EnumerateArray().Select(static p => (p.GetString() ?? "").Trim(' ', '<', '>')));
            if (phrase.Length < 3)
            {
                continue;
            }

            string language = e.GetProperty("lang").GetString() ?? "en";
            (string, string) key = (label, language);
            if (!terms.TryGetValue(key, out List<string>? list))
            {
                terms[key] = list = [];
            }

            list.Add(phrase);
        }

        foreach (((string label, string language), List<string> list) in terms.OrderBy(static t => t.Key.Label, StringComparer.Ordinal).ThenBy(static t => t.Key.Language, StringComparer.Ordinal))
        {
            AddTermPages(data, list, label, "public:e2guardian", language, Math.Clamp(list.Count / 3, 5, 800), random);
        }

        data.Sources.Add("e2guardian/DansGuardian weighted phrase lists (GPL-2.0): category phrases → term pages (../shared/data/lexicons/e2guardian-phraselists)");
    }

    private static readonly string[] s_selfHarmConstructs =
    [
        "Passive suicidal ideation", "Active suicidal ideation & suicidal planning", "Lethal means for suicide", "Direct self-injury", "Eating disorders",
    ];

    /// <summary>The lexicon's self-harm constructs and their terms (first person, as posts and searches say them).</summary>
    public static IEnumerable<(string Construct, string Term)> SuicideLexicon(string file)
    {
        foreach (string line in File.ReadLines(file))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            string construct = doc.RootElement.GetProperty("construct").GetString() ?? "";
            if (Array.IndexOf(s_selfHarmConstructs, construct) < 0)
            {
                continue;
            }

            foreach (string term in doc.RootElement.GetProperty("tokens").EnumerateArray().Select(static t => t.GetString() ?? "").Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (term.Length >= 4)
                {
                    yield return (construct, term);
                }
            }
        }
    }

    private static void LoadSuicideLexicon(TrainingData data, string file, Random random)
    {
        List<string> terms = [.. SuicideLexicon(file).Select(static t => t.Term)];
        AddTermPages(data, terms, "self-harm", "public:suicide-lexicon", "en", Math.Clamp(terms.Count / 3, 5, 600), random);
        data.Sources.Add("Suicide-risk lexicon (Apache-2.0): ideation, planning, lethal means, self-injury and eating-disorder terms → self-harm term pages");
    }

    /// <summary>Short pages of 3–6 terms of one label in a neutral frame (the frames are the same for every label).</summary>
    private static void AddTermPages(TrainingData data, List<string> terms, string label, string source, string language, int pages, Random random)
    {
        if (terms.Count == 0)
        {
            return;
        }

        for (int p = 0; p < pages; p++)
        {
            int count = Math.Min(terms.Count, random.Next(3, 7));
            string joined = string.Join(", ", Enumerable.Range(0, count).Select(_ => terms[random.Next(terms.Count)]));
            string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, s_frames[random.Next(s_frames.Length)], joined);
            data.AddPage(text, label, source, language, Split.Train, TermPageWeight);
        }
    }
}
