namespace FilterProxy.Classifier.Training;

/// <summary>
/// Composes page-like texts from the project's sentence banks (<c>Corpus/pages</c>): a few sentences of one label,
/// some page furniture, and in harmful pages some ordinary sentences too (real harmful pages have menus and
/// small talk). Lines are split into training and held-out by a stable hash, so held-out pages are made only of
/// sentences training never saw. Some pages, harmful and safe alike, are obfuscated, and every line is also an
/// example on its own (short texts). Seeded: the same banks and seed give the same pages.
/// </summary>
public static class PageComposer
{
    public const int HeldOutPercent = 20;

    private sealed record Bank(string Label, string Language, string Topic, List<string> Train, List<string> HeldOut);

    public static List<LabelledText> Compose(string pagesDirectory, int seed)
    {
        var banks = new List<Bank>();
        var furniture = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var templates = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var terms = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string directory in Directory.GetDirectories(pagesDirectory).Order(StringComparer.Ordinal))
        {
            string label = Path.GetFileName(directory);
            foreach (string file in Directory.GetFiles(directory, "*.txt").Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileNameWithoutExtension(file);
                int dash = name.IndexOf('-');
                string language = dash < 0 ? name : name[..dash];
                string topic = dash < 0 ? "" : name[(dash + 1)..];
                List<string> lines = [.. File.ReadLines(file).Select(static l => l.Trim()).Where(static l => l.Length > 0 && !l.StartsWith('#'))];
                if (label == "_furniture")
                {
                    furniture[language] = lines;
                    continue;
                }

                if (label == "_templates")
                {
                    templates[language] = lines;
                    continue;
                }

                if (topic == "terms")
                {
                    terms[label] = [.. terms.GetValueOrDefault(label) ?? [], .. lines];
                    continue;
                }

                banks.Add(new Bank(label, language, topic,
                    [.. lines.Where(static l => !StableHash.InShare(l, HeldOutPercent))],
                    [.. lines.Where(static l => StableHash.InShare(l, HeldOutPercent))]));
            }
        }

        var random = new Random(seed);
        var examples = new List<LabelledText>();
        foreach (Bank bank in banks)
        {
            List<string> general = [.. banks.Where(b => b.Label == "safe" && b.Language == bank.Language && b.Topic == "general").SelectMany(b => b.Train)];
            List<string> generalHeldOut = [.. banks.Where(b => b.Label == "safe" && b.Language == bank.Language && b.Topic == "general").SelectMany(b => b.HeldOut)];
            List<string> chrome = furniture.GetValueOrDefault(bank.Language) ?? furniture.GetValueOrDefault("en") ?? [];
            string source = $"corpus:{bank.Label}/{bank.Language}{(bank.Topic.Length > 0 ? "-" + bank.Topic : "")}";
            foreach (string line in bank.Train)
            {
                examples.Add(new LabelledText(line, bank.Label, source, bank.Language));
            }

            Add(examples, bank, bank.Train, general, chrome, Math.Clamp(bank.Train.Count * 8, 30, 400), Split.Train, random, source);
            Add(examples, bank, bank.HeldOut, generalHeldOut, chrome, Math.Clamp(bank.HeldOut.Count * 5, 0, 120), Split.HeldOut, random, source);
        }

        // Vocabulary: each label's terms in neutral templates ("The best {term} sites"), so words the sentences do not
        // use are still known; the templates are the same for every label, so only the term carries the label.
        foreach ((string label, List<string> words) in terms.OrderBy(static t => t.Key, StringComparer.Ordinal))
        {
            List<string> frames = templates.GetValueOrDefault("en") ?? ["{term}"];
            List<string> chrome = furniture.GetValueOrDefault("en") ?? [];
            for (int p = 0; p < words.Count * 3; p++)
            {
                var page = new List<string>();
                for (int s = random.Next(2, 5); s > 0; s--)
                {
                    page.Add(frames[random.Next(frames.Count)].Replace("{term}", words[random.Next(words.Count)], StringComparison.Ordinal));
                }

                if (chrome.Count > 0 && random.Next(2) == 0)
                {
                    page.Add(chrome[random.Next(chrome.Count)]);
                }

                examples.Add(new LabelledText(string.Join("\n", page), label, $"corpus:{label}/terms"));
            }
        }

        return examples;
    }

    private static void Add(List<LabelledText> examples, Bank bank, List<string> lines, List<string> general, List<string> chrome, int pages, Split split, Random random, string source)
    {
        if (lines.Count == 0)
        {
            return;
        }

        bool harmful = bank.Label != "safe";
        for (int p = 0; p < pages; p++)
        {
            var page = new List<string>();
            int sentences = random.Next(2, 7);
            for (int s = 0; s < sentences; s++)
            {
                page.Add(lines[random.Next(lines.Count)]);
            }

            // Ordinary sentences in any kind of page, and no more often in harmful pages than in safe ones: with thirty
            // harmful banks against a handful of safe ones, sentences that turned up mostly in harmful pages taught
            // the model that "mobile phone deals" and "Mathe-Übungen" lean harmful (held-out safe pages were blocked).
            if (general.Count > 0 && random.Next(harmful ? 6 : 2) == 0)
            {
                page.Add(general[random.Next(general.Count)]);
            }

            for (int f = random.Next(0, 3); f > 0 && chrome.Count > 0; f--)
            {
                page.Insert(random.Next(page.Count + 1), chrome[random.Next(chrome.Count)]);
            }

            string text = string.Join("\n", page);
            bool obfuscated = split == Split.Train && random.NextDouble() < (harmful ? 0.25 : 0.1);
            if (obfuscated)
            {
                text = Obfuscator.Apply(text, Obfuscator.All[random.Next(Obfuscator.All.Count)], random, 0.4);
            }

            examples.Add(new LabelledText(text, bank.Label, source, bank.Language) { Split = split, Obfuscated = obfuscated });
        }
    }
}
