using System.CommandLine;
using System.Diagnostics;
using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Evaluation;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Normalisation;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Classifier.Training;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;

namespace FilterProxy.Cli;

/// <summary>
/// <c>classifier train|eval|fold-table</c>: train the content or search-risk model from <c>--data</c> (the project's
/// corpus, ../shared/data, JSON lines or CSV), evaluate one on held-out or given data, regenerate the folding table.
/// <c>classify</c> and <c>search-risk</c> (in <see cref="ClassifyCommands"/>) score JSON lines with the shipped models.
/// </summary>
internal static class ClassifierCommand
{
    private static readonly Option<string[]> s_data = new("--data")
    {
        Description = "Training or evaluation data: a corpus folder (pages/, queries/), ../shared/data, a .jsonl or a .csv file; repeatable",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<string> s_kind = new("--kind")
    {
        Description = "content (page categories) or search (search-term risk)",
        DefaultValueFactory = _ => "content",
    };

    private static readonly Option<int> s_seed = new("--seed") { Description = "Shuffling seed (same data + seed = same model)", DefaultValueFactory = _ => new TrainingOptions().Seed };
    private static readonly Option<int> s_epochs = new("--epochs") { Description = "Passes over the training data", DefaultValueFactory = _ => new TrainingOptions().Epochs };
    private static readonly Option<float> s_l2 = new("--l2") { Description = "L2 penalty", DefaultValueFactory = _ => new TrainingOptions().L2 };
    private static readonly Option<float?> s_rate = new("--learning-rate") { Description = "AdaGrad base step (default: 0.1 for content, 0.3 for search)" };
    private static readonly Option<float> s_safeCost = new("--safe-cost") { Description = "Weight of a safe example against a harmful one (below 1: a miss costs more than an over-block)", DefaultValueFactory = _ => new TrainingOptions().SafeCost };
    private static readonly Option<string> s_trainer = new("--trainer") { Description = "mlnet (ML.NET LbfgsMaximumEntropy, default) or sgd (the project's AdaGrad SGD)", DefaultValueFactory = _ => new TrainingOptions().Trainer };
    private static readonly Option<float> s_mlnetL2 = new("--mlnet-l2") { Description = "ML.NET's L2 penalty", DefaultValueFactory = _ => new TrainingOptions().MlNetL2 };
    private static readonly Option<int> s_mlnetIterations = new("--mlnet-iterations") { Description = "ML.NET L-BFGS iterations at most", DefaultValueFactory = _ => new TrainingOptions().MlNetIterations };
    private static readonly Option<int> s_version = new("--model-version") { Description = "Version recorded in the model (shown in events)", DefaultValueFactory = _ => 1 };

    /// <summary>--model: a model file instead of the shipped one.</summary>
    public static readonly Option<string?> Model = new("--model") { Description = "A model file instead of the shipped model" };

    /// <summary>--phrases: more weighted phrase lists (as http.phraseLists).</summary>
    public static readonly Option<string[]> Phrases = new("--phrases") { Description = "Extra weighted phrase lists", AllowMultipleArgumentsPerToken = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("classifier", "Train, evaluate and maintain the content classifier.");
        var outOption = new Option<string>("--out") { Description = "Where to write the model", Required = true };
        var train = new Command("train", "Train a model (held-out split evaluated and recorded in the model file).") { s_data, outOption, s_kind, s_seed, s_epochs, s_version, s_l2, s_rate, s_safeCost, s_trainer, s_mlnetL2, s_mlnetIterations, Phrases };
        train.SetAction(parse => Guard(error, () => Train(parse, parse.GetValue(outOption)!, output)));

        var profile = new Option<string>("--profile") { Description = "Profile whose categories and threshold decide blocking", DefaultValueFactory = _ => ModelTraining.EvaluationProfile };
        var streamed = new Option<bool>("--stream") { Description = "Judge each page as an AI answer streams (24-byte pieces, a window of recent text), as the proxy judges text/event-stream" };
        var loso = new Option<bool>("--loso") { Description = "Leave one public source out at a time: train without it (with the train options) and judge the model on it" };
        var losoSources = new Option<string[]>("--loso-source") { Description = "Only these sources (e.g. public:germeval2018-offensive-de), to split the runs", AllowMultipleArgumentsPerToken = true };
        var eval = new Command("eval", "Per-category precision, recall, F1, confusion matrix and false-block rate on held-out (or given) data; --loso for leave-one-source-out.")
        {
            s_data, s_kind, Model, profile, Phrases, streamed, loso, losoSources, s_seed, s_epochs, s_l2, s_rate, s_safeCost, s_trainer, s_mlnetL2, s_mlnetIterations,
        };
        eval.SetAction(parse => Guard(error, () => Evaluate(parse, parse.GetValue(profile)!, output, error)));

        var tableOut = new Option<string>("--out") { Description = "Where to write the table", Required = true };
        var foldTable = new Command("fold-table", "Regenerate the character folding table from this machine's ICU (NFKC, lower case, accents, invisible characters).") { tableOut };
        foldTable.SetAction(parse => Guard(error, () =>
        {
            SortedDictionary<int, string> map = FoldTableBuilder.Build();
            using FileStream file = File.Create(parse.GetValue(tableOut)!);
            FoldTableBuilder.Write(map, file);
            output.WriteLine($"fold table: {map.Count} code points folded");
            return 0;
        }));
        command.Subcommands.Add(train);
        command.Subcommands.Add(eval);
        command.Subcommands.Add(foldTable);
        return command;
    }

    /// <summary>Bad data or a bad model file: one clear line and exit code 2, no stack trace.</summary>
    public static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException or IOException or ConfigException)
        {
            error.WriteLine("error: " + e.Message);
            return 2;
        }
    }

    public static List<WeightedPhrase> LoadPhrases(string[]? files) => PhraseList.BuiltInAnd(files ?? []);

    private static int Train(ParseResult parse, string outPath, TextWriter output)
    {
        var stopwatch = Stopwatch.StartNew();
        var options = new TrainingOptions
        {
            Seed = parse.GetValue(s_seed), Epochs = parse.GetValue(s_epochs), Version = parse.GetValue(s_version), L2 = parse.GetValue(s_l2), LearningRate = parse.GetValue(s_rate),
            SafeCost = parse.GetValue(s_safeCost), Trainer = parse.GetValue(s_trainer)!, MlNetL2 = parse.GetValue(s_mlnetL2), MlNetIterations = parse.GetValue(s_mlnetIterations),
        };
        TrainingData data = TrainingData.Load(parse.GetValue(s_data)!, options.Seed);
        foreach (string problem in data.Problems.Take(20))
        {
            output.WriteLine("skipped: " + problem);
        }

        string kind = parse.GetValue(s_kind)!;
        output.WriteLine($"data: {data.Pages.Count} pages, {data.Queries.Count} queries from {data.Sources.Count} sources");
        if (kind == "search")
        {
            (SearchModels models, SearchEvaluation? heldOut) = ModelTraining.TrainSearch(data, options, output.WriteLine);
            models.Save(outPath);
            output.WriteLine($"held-out queries ({heldOut?.Levels.Labels.Count} levels):");
            heldOut?.Write(output);
        }
        else if (kind == "content")
        {
            (TextModel model, ContentEvaluation? heldOut) = ModelTraining.TrainContent(data, options, LoadPhrases(parse.GetValue(Phrases)), output.WriteLine);
            ModelFile.Save(model, outPath);
            output.WriteLine("held-out pages:");
            heldOut?.Write(output);
        }
        else
        {
            throw new ArgumentException($"--kind must be content or search, not '{kind}'");
        }

        output.WriteLine($"wrote {outPath} ({new FileInfo(outPath).Length / 1024} KB) in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    private static TrainingOptions Options(ParseResult parse) => new()
    {
        Seed = parse.GetValue(s_seed), Epochs = parse.GetValue(s_epochs), Version = parse.GetValue(s_version), L2 = parse.GetValue(s_l2), LearningRate = parse.GetValue(s_rate),
        SafeCost = parse.GetValue(s_safeCost), Trainer = parse.GetValue(s_trainer)!, MlNetL2 = parse.GetValue(s_mlnetL2), MlNetIterations = parse.GetValue(s_mlnetIterations),
    };

    private static int Evaluate(ParseResult parse, string profileName, TextWriter output, TextWriter error)
    {
        TrainingData data = TrainingData.Load(parse.GetValue(s_data)!, new TrainingOptions().Seed);
        if (parse.GetValue<bool>("--loso"))
        {
            List<WeightedPhrase> phrases = LoadPhrases(parse.GetValue(Phrases));
            string[] only = parse.GetValue<string[]>("--loso-source") ?? [];
            foreach ((string source, ContentEvaluation e) in ModelTraining.LeaveOneSourceOut(data, Options(parse), phrases, line => error.WriteLine(line), only))
            {
                output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"left out {source}: hate/abuse blocked {e.HarmfulBlocked}/{e.Harmful} = {e.HarmfulRecall:0.000}; safe blocked {e.SafeBlocked}/{e.Safe} = {e.SafeBlockRate:0.000}"));
                ContentEvaluation.WriteBreakdown(output, "  by language:", e.ByLanguage);
                output.Flush();
            }

            return 0;
        }

        string? modelPath = parse.GetValue(Model);
        if (parse.GetValue(s_kind) == "search")
        {
            SearchModels models = modelPath is null ? ShippedModels.Search : SearchModels.Load(modelPath);
            List<LabelledText> queries = [.. data.Queries.Where(static q => q.Split != Split.Train)];
            output.WriteLine($"evaluating search risk on {queries.Count} queries");
            SearchEvaluation.Run(models.Scorer(), queries).Write(output);
            return 0;
        }

        TextModel model = modelPath is null ? ShippedModels.Content : ModelFile.Load(modelPath);
        Profile? profile = ProfileNamed(parse, profileName, error);
        if (profile is null)
        {
            return 2;
        }

        var classifier = new ContentClassifier(model, LoadPhrases(parse.GetValue(Phrases)));
        List<LabelledText> pages = [.. data.Pages.Where(static p => p.Split != Split.Train)];
        bool stream = parse.GetValue<bool>("--stream");
        output.WriteLine($"evaluating {classifier.Name} on {pages.Count} pages for profile {profile.Name} (threshold {profile.ContentThreshold}){(stream ? ", each judged as it streams" : "")}");
        ContentEvaluation.Run(classifier, pages, profile.Name, profile.Blocked, profile.ContentThreshold, streamed: stream).Write(output);
        return 0;
    }

    /// <summary>A profile from the configuration (built-in profiles when there is no file).</summary>
    public static Profile? ProfileNamed(ParseResult parse, string name, TextWriter error)
    {
        CompiledConfig? config = PolicyArguments.CompileOrReportAsync(parse.GetValue(CommandLine.ConfigOption), error).GetAwaiter().GetResult();
        Profile? profile = config?.Profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (config is not null && profile is null)
        {
            error.WriteLine($"error: no profile '{name}' (profiles: {string.Join(", ", config.Profiles.Select(static p => p.Name))})");
        }

        return profile;
    }
}
