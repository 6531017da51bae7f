using System.Globalization;
using FilterProxy.Classifier.Training;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Evaluation;

/// <summary>
/// Search-risk on labelled queries: recall of high and critical queries (scored high or above; and medium or
/// above, which raises an alert by default), the share of benign queries scored above low, the level confusion
/// matrix and theme accuracy on risky queries.
/// </summary>
public sealed class SearchEvaluation
{
    public required Confusion Levels { get; init; }
    public int Serious { get; init; }
    public int SeriousHigh { get; init; }
    public int SeriousAlerted { get; init; }
    public int Benign { get; init; }
    public int BenignRaised { get; init; }
    public int Risky { get; init; }
    public int ThemeRight { get; init; }
    public IReadOnlyList<string> Misses { get; init; } = [];

    public double SeriousRecall => Serious == 0 ? 0 : (double)SeriousHigh / Serious;
    public double SeriousAlertRecall => Serious == 0 ? 0 : (double)SeriousAlerted / Serious;
    public double BenignRaisedRate => Benign == 0 ? 0 : (double)BenignRaised / Benign;
    public double ThemeAccuracy => Risky == 0 ? 0 : (double)ThemeRight / Risky;

    public static SearchEvaluation Run(ISearchRiskScorer scorer, IReadOnlyList<LabelledText> queries)
    {
        var levels = new Confusion(SearchRisk.Levels);
        int serious = 0, seriousHigh = 0, seriousAlerted = 0, benign = 0, benignRaised = 0, risky = 0, themeRight = 0;
        var misses = new List<string>();
        foreach (LabelledText q in queries)
        {
            int actual = IndexOf(q.Risk);
            if (actual < 0)
            {
                continue;
            }

            SearchRisk risk = scorer.Score(q.Text);
            int predicted = IndexOf(risk.Level);
            levels.Add(actual, predicted);
            if (actual >= 3)
            {
                serious++;
                seriousHigh += predicted >= 3 ? 1 : 0;
                seriousAlerted += predicted >= 2 ? 1 : 0;
                if (predicted < 3 && misses.Count < 25)
                {
                    misses.Add($"missed {q.Risk}/{q.Label}: \"{q.Text}\" → {risk.Level}/{risk.Theme}");
                }
            }

            if (q.Label == "none" && actual == 0)
            {
                benign++;
                benignRaised += predicted >= 2 ? 1 : 0;
                if (predicted >= 2 && misses.Count < 25)
                {
                    misses.Add($"raised benign: \"{q.Text}\" → {risk.Level}/{risk.Theme}");
                }
            }
            else if (actual > 0)
            {
                risky++;
                themeRight += risk.Theme == q.Label ? 1 : 0;
            }
        }

        return new SearchEvaluation
        {
            Levels = levels, Serious = serious, SeriousHigh = seriousHigh, SeriousAlerted = seriousAlerted,
            Benign = benign, BenignRaised = benignRaised, Risky = risky, ThemeRight = themeRight, Misses = misses,
        };
    }

    private static int IndexOf(string? level) => level is null ? -1 : SearchRisk.Levels.ToList().IndexOf(level);

    public Dictionary<string, double> Figures() => new(StringComparer.Ordinal)
    {
        ["seriousRecall"] = SeriousRecall,
        ["seriousAlertRecall"] = SeriousAlertRecall,
        ["benignRaised"] = BenignRaisedRate,
        ["themeAccuracy"] = ThemeAccuracy,
    };

    public void Write(TextWriter output)
    {
        Levels.Write(output);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"high and critical queries scored high or critical: {SeriousHigh}/{Serious} = {SeriousRecall:0.000} (medium or above, i.e. alerted: {SeriousAlerted}/{Serious} = {SeriousAlertRecall:0.000})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"benign queries raised above low: {BenignRaised}/{Benign} = {BenignRaisedRate:0.000}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"theme right on risky queries: {ThemeRight}/{Risky} = {ThemeAccuracy:0.000}"));
        foreach (string miss in Misses)
        {
            output.WriteLine(miss);
        }
    }
}
