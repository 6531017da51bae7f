using System.Globalization;
using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Training;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Evaluation;

/// <summary>
/// How the content classifier does on labelled pages, the way a school sees it: per-category precision, recall
/// and F1 (the predicted label is the top category scoring ≥ 0.5, else "safe"), the confusion matrix, and for one
/// profile the share of harmful pages blocked and of safe pages (all, and the help and education ones) blocked.
/// Obfuscation: held-out pages rewritten with each trick must get the verdict the plain page got.
/// </summary>
public sealed class ContentEvaluation
{
    public const double LabelThreshold = 0.5;

    public required Confusion Confusion { get; init; }
    public required string Profile { get; init; }
    public int Harmful { get; init; }
    public int HarmfulBlocked { get; init; }
    public int Safe { get; init; }
    public int SafeBlocked { get; init; }
    public int Help { get; init; }
    public int HelpBlocked { get; init; }
    public IReadOnlyDictionary<string, (int Same, int Total)> Obfuscation { get; init; } = new Dictionary<string, (int, int)>();
    public IReadOnlyList<string> FalseBlocks { get; init; } = [];

    /// <summary>Harmful pages the profile let through, at most <see cref="MissesPerLabel"/> per label: what to write more training text about.</summary>
    public IReadOnlyList<string> Misses { get; init; } = [];

    public const int MissesPerLabel = 3;

    /// <summary>Per source and per language: (harmful blocked, harmful, safe blocked, safe).</summary>
    public IReadOnlyDictionary<string, (int HarmfulBlocked, int Harmful, int SafeBlocked, int Safe)> BySource { get; init; } = new Dictionary<string, (int, int, int, int)>();

    public IReadOnlyDictionary<string, (int HarmfulBlocked, int Harmful, int SafeBlocked, int Safe)> ByLanguage { get; init; } = new Dictionary<string, (int, int, int, int)>();

    /// <summary>Per page: whether it is harmful, and its highest score among the profile's blocked categories.</summary>
    public IReadOnlyList<(bool Harmful, bool Help, double Score)> BlockScores { get; init; } = [];

    public double HarmfulRecall => Harmful == 0 ? 0 : (double)HarmfulBlocked / Harmful;
    public double SafeBlockRate => Safe == 0 ? 0 : (double)SafeBlocked / Safe;
    public double HelpBlockRate => Help == 0 ? 0 : (double)HelpBlocked / Help;

    public double ObfuscationAgreement => Obfuscation.Values.Sum(static o => o.Total) is var total and > 0
        ? (double)Obfuscation.Values.Sum(static o => o.Same) / total
        : 0;

    public static readonly string[] Topical = ["pornography", "gambling", "drugs", "piracy", "malware"];
    public static readonly string[] HateAbuseExtremism = ["discrimination", "extremism"];

    /// <summary>
    /// How a text fares judged as an AI answer streams (<see cref="Streaming.ContentStream"/>, pieces of
    /// <paramref name="pieceBytes"/>): the verdict that stopped it, or clean.
    /// </summary>
    public static ContentVerdict Streamed(ContentClassifier classifier, string text, CategorySet blocked, double threshold, int pieceBytes = 24)
    {
        byte[] body = System.Text.Encoding.UTF8.GetBytes(text);
        using IContentStream stream = classifier.OpenStream(ContentKind.Text, "utf-8", "", blocked, threshold);
        for (int i = 0; i < body.Length; i += pieceBytes)
        {
            if (stream.Write(body.AsSpan(i, Math.Min(pieceBytes, body.Length - i))) is { } stop)
            {
                return stop;
            }
        }

        return stream.Complete() ?? ContentVerdict.Clean;
    }

    public static ContentEvaluation Run(ContentClassifier classifier, IReadOnlyList<LabelledText> pages, string profileName, CategorySet blocked, double threshold, bool obfuscation = true, bool streamed = false)
    {
        Func<string, ContentVerdict> judge = streamed ? text => Streamed(classifier, text, blocked, threshold) : text => classifier.ClassifyText(text);
        IReadOnlyList<string> labels = classifier.Model.Header.Labels;
        var confusion = new Confusion(labels);
        int harmful = 0, harmfulBlocked = 0, safe = 0, safeBlocked = 0, help = 0, helpBlocked = 0;
        var falseBlocks = new List<string>();
        var misses = new List<string>();
        var missesPerLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        var obfuscated = new Dictionary<string, (int Same, int Total)>();
        var random = new Random(7);
        var blockScores = new List<(bool, bool, double)>();
        var bySource = new Dictionary<string, (int, int, int, int)>(StringComparer.Ordinal);
        var byLanguage = new Dictionary<string, (int, int, int, int)>(StringComparer.Ordinal);
        foreach (LabelledText page in pages)
        {
            int actual = classifier.Model.IndexOf(page.Label);
            if (actual < 0)
            {
                continue;
            }

            ContentVerdict verdict = judge(page.Text);
            confusion.Add(actual, Predicted(classifier, verdict));
            bool isBlocked = verdict.FirstBlocked(blocked, threshold) is not null;
            Count(bySource, page.Source, page.Label != "safe", isBlocked);
            Count(byLanguage, page.Language, page.Label != "safe", isBlocked);
            blockScores.Add((page.Label != "safe", page.Source.EndsWith("-help", StringComparison.Ordinal), verdict.FirstBlocked(blocked, 0)?.Score ?? 0));
            if (page.Label == "safe")
            {
                safe++;
                safeBlocked += isBlocked ? 1 : 0;
                bool isHelp = page.Source.EndsWith("-help", StringComparison.Ordinal);
                help += isHelp ? 1 : 0;
                helpBlocked += isHelp && isBlocked ? 1 : 0;
                if (isBlocked && falseBlocks.Count < 20)
                {
                    falseBlocks.Add($"{page.Source}: {Clip(page.Text)} → {Describe(verdict)}");
                }
            }
            else
            {
                harmful++;
                harmfulBlocked += isBlocked ? 1 : 0;
                if (!isBlocked && missesPerLabel.GetValueOrDefault(page.Label) < MissesPerLabel)
                {
                    missesPerLabel[page.Label] = missesPerLabel.GetValueOrDefault(page.Label) + 1;
                    misses.Add($"{page.Source}: {Clip(page.Text)} → {(verdict.Scores.Count == 0 ? "clean" : Describe(verdict))}");
                }
            }

            if (obfuscation && (page.Label != "safe" || page.Source.EndsWith("-help", StringComparison.Ordinal)))
            {
                foreach (Obfuscator.Trick trick in Obfuscator.All)
                {
                    string variant = Obfuscator.Apply(page.Text, trick, random, 0.5);
                    bool same = (judge(variant).FirstBlocked(blocked, threshold) is not null) == isBlocked;
                    (int s, int t) = obfuscated.GetValueOrDefault(trick.ToString());
                    obfuscated[trick.ToString()] = (s + (same ? 1 : 0), t + 1);
                }
            }
        }

        return new ContentEvaluation
        {
            Confusion = confusion, Profile = profileName,
            Harmful = harmful, HarmfulBlocked = harmfulBlocked, Safe = safe, SafeBlocked = safeBlocked, Help = help, HelpBlocked = helpBlocked,
            Obfuscation = obfuscated, FalseBlocks = falseBlocks, Misses = misses, BlockScores = blockScores, BySource = bySource, ByLanguage = byLanguage,
        };
    }

    private static void Count(Dictionary<string, (int, int, int, int)> counts, string key, bool harmful, bool blocked)
    {
        (int hb, int h, int sb, int s) = counts.GetValueOrDefault(key);
        counts[key] = harmful ? (hb + (blocked ? 1 : 0), h + 1, sb, s) : (hb, h, sb + (blocked ? 1 : 0), s + 1);
    }

    /// <summary>"12/15 harmful blocked, 1/40 safe blocked" per key, for the model card.</summary>
    public static void WriteBreakdown(TextWriter output, string title, IReadOnlyDictionary<string, (int HarmfulBlocked, int Harmful, int SafeBlocked, int Safe)> counts)
    {
        output.WriteLine(title);
        foreach ((string key, (int hb, int h, int sb, int s)) in counts.OrderBy(static c => c.Key, StringComparer.Ordinal))
        {
            string harmful = h == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"harmful blocked {hb}/{h} = {(double)hb / h:0.000}");
            string safe = s == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"safe blocked {sb}/{s} = {(double)sb / s:0.000}");
            output.WriteLine($"  {key,-32} {harmful,-34} {safe}");
        }
    }

    private static int Predicted(ContentClassifier classifier, ContentVerdict verdict)
    {
        foreach (CategoryScore score in verdict.Scores)
        {
            int index = classifier.Model.IndexOf(Categories.NameOf(score.Category));
            if (score.Score >= LabelThreshold && index >= 0)
            {
                return index;
            }
        }

        return classifier.Model.IndexOf("safe");
    }

    private static string Describe(ContentVerdict verdict) =>
        string.Join("; ", verdict.Scores.Take(2).Select(static s => $"{Categories.NameOf(s.Category)} {s.Score:0.00} [{string.Join(", ", s.Evidence.Take(3))}]"));

    private static string Clip(string text)
    {
        string flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 160 ? flat : flat[..160] + "…";
    }

    /// <summary>The figures the model card and the targets use, by name.</summary>
    public Dictionary<string, double> Figures()
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["harmfulRecall." + Profile] = HarmfulRecall,
            ["safeBlocked." + Profile] = SafeBlockRate,
            ["helpBlocked." + Profile] = HelpBlockRate,
            ["macroF1.topical"] = Confusion.MacroF1(l => Topical.Contains(l)),
            ["macroF1.hateAbuseExtremism"] = Confusion.MacroF1(l => HateAbuseExtremism.Contains(l)),
            ["macroF1.all"] = Confusion.MacroF1(),
            ["obfuscationAgreement"] = ObfuscationAgreement,
        };
        foreach (LabelMetrics m in Confusion.PerLabel())
        {
            figures["f1." + m.Label] = Math.Round(m.F1, 4);
        }

        return figures;
    }

    /// <summary>The macro-F1 over the labels that had examples, or "n/a" when none did.</summary>
    private string MacroF1Text(string[] labels) =>
        Confusion.PerLabel().Any(m => m.Support > 0 && labels.Contains(m.Label))
            ? Confusion.MacroF1(l => labels.Contains(l)).ToString("0.000", CultureInfo.InvariantCulture)
            : "n/a (no examples)";

    public void Write(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"label",-16} {"support",8} {"precision",10} {"recall",8} {"F1",8}"));
        foreach (LabelMetrics m in Confusion.PerLabel())
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Label,-16} {m.Support,8} {m.Precision,10:0.000} {m.Recall,8:0.000} {m.F1,8:0.000}"));
        }

        output.WriteLine();
        Confusion.Write(output);
        output.WriteLine();
        output.WriteLine($"macro-F1 topical (pornography, gambling, drugs, piracy, malware): {MacroF1Text(Topical)}");
        output.WriteLine($"macro-F1 hate/abuse/extremism (discrimination, extremism): {MacroF1Text(HateAbuseExtremism)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile {Profile}: harmful pages blocked {HarmfulBlocked}/{Harmful} = {HarmfulRecall:0.000}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile {Profile}: false-block rate on safe pages {SafeBlocked}/{Safe} = {SafeBlockRate:0.000}; on help and education pages {HelpBlocked}/{Help} = {HelpBlockRate:0.000}"));
        foreach ((string trick, (int same, int total)) in Obfuscation)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"obfuscation {trick,-10}: same verdict {same}/{total} = {(total == 0 ? 0 : (double)same / total):0.000}"));
        }

        output.Write("threshold sweep (harmful blocked / safe blocked / help blocked):");
        foreach (double t in new[] { 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9 })
        {
            double recall = (double)BlockScores.Count(b => b.Harmful && b.Score >= t) / Math.Max(1, BlockScores.Count(static b => b.Harmful));
            double safe = (double)BlockScores.Count(b => !b.Harmful && b.Score >= t) / Math.Max(1, BlockScores.Count(static b => !b.Harmful));
            double help = (double)BlockScores.Count(b => b.Help && b.Score >= t) / Math.Max(1, BlockScores.Count(static b => b.Help));
            output.Write(string.Create(CultureInfo.InvariantCulture, $"  {t:0.00}: {recall:0.000}/{safe:0.000}/{help:0.000}"));
        }

        output.WriteLine();
        WriteBreakdown(output, "by source:", BySource);
        WriteBreakdown(output, "by language:", ByLanguage);
        foreach (string f in FalseBlocks)
        {
            output.WriteLine("false block: " + f);
        }

        foreach (string m in Misses)
        {
            output.WriteLine("missed: " + m);
        }
    }
}
