using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Evaluation;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Classifier.Training;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Content;

public sealed class ContentClassifierTests
{
    private static readonly ContentClassifier s_shipped = ShippedModels.ContentClassifier();
    private static readonly (CategorySet Blocked, double Threshold) s_ks2 = ModelTraining.Profile("ks2");
    private static readonly (CategorySet Blocked, double Threshold) s_staff = ModelTraining.Profile("staff");

    private const string DrugsPage = "Same-day drops. Our plug drops off bud, carts and pills the same day. Message us on Telegram for the menu; " +
        "discreet packaging, pay in crypto. Top shelf kush, strong edibles and pure molly for your weekend.";

    private const string DrugsHelpPage = "Drugs: the facts. Pills, carts and bud sold by dealers on Telegram or Snapchat can contain anything. " +
        "Talk to FRANK for honest information about drugs. If a friend is unwell after taking pills at a party, call 999 and stay with them.";

    [Fact]
    public void UnlistedHarmfulPage_IsBlockedForKs2_WithTheNgramsThatWeighedMost()
    {
        ContentVerdict verdict = s_shipped.ClassifyText(DrugsPage);

        CategoryScore? blocked = verdict.FirstBlocked(s_ks2.Blocked, s_ks2.Threshold);
        Assert.NotNull(blocked);
        Assert.Equal(Category.Drugs, blocked.Category);
        Assert.NotEmpty(blocked.Evidence);
        Assert.All(blocked.Evidence, static e => Assert.Matches("^(\".+\" \\(\\+\\d\\.\\d\\d\\)|phrase .+)$", e));
    }

    [Theory]
    [InlineData("Sign in\nEmail\nPassword\nForgot your password?\nCreate account")]  // was scored as phishing (malware 0.98)
    [InlineData("404 Not Found. The requested URL was not found on this server.")]
    [InlineData("{\"status\":\"ok\",\"items\":[{\"id\":12,\"name\":\"widget\",\"price\":3.5}],\"next\":null}")]
    [InlineData("{\"user\":{\"id\":\"a81f\",\"token\":\"xyz\",\"expires\":3600},\"features\":[\"beta\",\"dark-mode\"]}")]
    public void CommonPagesAndApiAnswers_AreNotBlockedForTheYoungest(string text)
    {
        (CategorySet blocked, double threshold) = ModelTraining.Profile("nursery-ks1");
        CategoryScore? score = s_shipped.ClassifyText(text).FirstBlocked(blocked, threshold);
        Assert.True(score is null, $"blocked as {score?.Category} {score?.Score:0.00}");
    }

    [Fact]
    public void TwoWords_AreJudgedByThePhrasesAlone()
    {
        // "part" leans towards drugs ("party"); two words are too little for the model, so only phrases decide.
        (ContentVerdict firstPart, Dictionary<string, double> scores) = s_shipped.ClassifyWithScores("first part");
        Assert.Same(ContentVerdict.Clean, firstPart);
        Assert.Equal(1, scores["safe"]);
        Assert.Null(s_shipped.ClassifyText("First part. Second part.").FirstBlocked(s_ks2.Blocked, s_ks2.Threshold));

        CategoryScore? casino = s_shipped.ClassifyText("online casino").FirstBlocked(s_ks2.Blocked, s_ks2.Threshold);
        Assert.Equal(Category.Gambling, casino?.Category);
        Assert.Equal(ContentClassifier.PhraseScore(50 + 20), casino!.Score, 6);   // "online casino" and "casino"
        Assert.All(casino.Evidence, static e => Assert.StartsWith("phrase ", e, StringComparison.Ordinal));
        Assert.Contains(casino.Evidence, static e => e.Contains("online casino", StringComparison.Ordinal));
    }

    [Fact]
    public void ShortText_IsBlockedByItsPhrase_WithThePhraseAsEvidence()
    {
        CategoryScore? phrase = s_shipped.ClassifyText("free porn videos").FirstBlocked(s_ks2.Blocked, s_ks2.Threshold);
        Assert.Equal(Category.Pornography, phrase?.Category);
        Assert.Contains(phrase!.Evidence, static e => e.StartsWith("phrase", StringComparison.Ordinal));
    }

    [Fact]
    public void HelpPageWithTheSameTriggerWords_IsNotBlocked()
    {
        Assert.Null(s_shipped.ClassifyText(DrugsHelpPage).FirstBlocked(s_ks2.Blocked, s_ks2.Threshold));
    }

    [Fact]
    public void ProfilesDiffer_StaffMayReadWhatKs2CannotSee()
    {
        // Staff do not block drugs (safeguarding research), so the same page is allowed for them.
        Assert.NotNull(s_shipped.ClassifyText(DrugsPage).FirstBlocked(s_ks2.Blocked, s_ks2.Threshold));
        Assert.Null(s_shipped.ClassifyText(DrugsPage).FirstBlocked(s_staff.Blocked, s_staff.Threshold));
    }

    [Theory]
    [InlineData("Fr33 p0rn v1d30s, h0t n4k3d g1rls, xxx c4ms")]
    [InlineData("F R E E  P O R N  videos with n a k e d girls and live c a m s")]
    [InlineData("frее роrn vidеos with nаkеd girls and livе cams")]        // Cyrillic look-alikes
    public void ObfuscatedPornography_IsStillPornography(string text)
    {
        CategoryScore? blocked = s_shipped.ClassifyText(text).FirstBlocked(s_ks2.Blocked, s_ks2.Threshold);

        Assert.Equal(Category.Pornography, blocked?.Category);
    }

    [Theory]
    [InlineData("To stop a hung program in Linux, find its PID with ps and kill it with kill -9, or kill processes by name with pkill.")]
    [InlineData("Scunthorpe United beat Grimsby 2-0 at Glanford Park on Saturday.")]
    [InlineData("How did Hitler rise to power? The Nazi party exploited the economic crisis after 1929.")]
    public void OrdinaryPagesWithTriggerWords_AreClean(string text)
    {
        Assert.Null(s_shipped.ClassifyText(text).FirstBlocked(s_ks2.Blocked, s_ks2.Threshold));
    }

    [Fact]
    public void PhraseLists_ShiftTheModelsScore_BothWays()
    {
        const string text = "Weekend tips: strong edibles and top shelf kush.";
        double plain = s_shipped.ClassifyWithScores(text).Scores["drugs"];
        var pulledDown = new ContentClassifier(ShippedModels.Content, [new WeightedPhrase(Category.Drugs, -100, "weekend tips", "en", "test", 1)]);
        var pushedUp = new ContentClassifier(ShippedModels.Content, [new WeightedPhrase(Category.Drugs, 100, "weekend tips", "en", "test", 1)]);

        Assert.True(pulledDown.ClassifyWithScores(text).Scores["drugs"] < plain);
        Assert.True(pushedUp.ClassifyWithScores(text).Scores["drugs"] > plain);
        Assert.Equal(ContentClassifier.Combine(0.5, 50), 1 / (1 + Math.Exp(-1)), 6);
    }

    [Fact]
    public void CleanPage_AllocatesNothing_AfterWarmUp()
    {
        const string text = "The water cycle: evaporation, condensation, precipitation and collection. Homework is due on Friday.";
        s_shipped.ClassifyText(text);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Assert.Same(ContentVerdict.Clean, s_shipped.ClassifyText(text));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Evaluation_ListsTheHarmfulPagesLetThrough_AFewPerLabel()
    {
        LabelledText Page(string text, string label) => new(text, label, "test:" + label);
        List<LabelledText> pages = [.. Enumerable.Range(0, 5).Select(i => Page($"Homework {i}: the water cycle, evaporation and condensation.", "drugs")),
            Page(DrugsPage, "drugs"), Page("Buy weed online with discreet next-day delivery, top shelf kush and edibles.", "drugs")];

        var evaluation = ContentEvaluation.Run(s_shipped, pages, "ks2", s_ks2.Blocked, s_ks2.Threshold, obfuscation: false);

        Assert.Equal((7, 2), (evaluation.Harmful, evaluation.HarmfulBlocked));
        Assert.Equal(ContentEvaluation.MissesPerLabel, evaluation.Misses.Count);   // five missed, three shown
        Assert.All(evaluation.Misses, static m => Assert.Matches(@"^test:drugs: Homework \d: the water cycle.* → clean$", m));
        var output = new StringWriter();
        evaluation.Write(output);
        Assert.Contains("missed: test:drugs: Homework 0", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedModel_OnTheProjectsHeldOutPages_MeetsItsRecordedFigures()
    {
        // Pages composed only from sentences the model never saw in training (PageComposer's held-out split).
        List<LabelledText> heldOut = [.. PageComposer.Compose(Path.Combine(RepositoryPaths.Corpus, "pages"), new TrainingOptions().Seed)
            .Where(static p => p.Split == Split.HeldOut)];
        var evaluation = ContentEvaluation.Run(s_shipped, heldOut, "ks2", s_ks2.Blocked, s_ks2.Threshold);

        Assert.True(heldOut.Count > 400, $"{heldOut.Count} held-out pages");
        Assert.InRange(evaluation.HelpBlockRate, 0, 0.02);                      // target: ≤ 2% of help and education pages
        Assert.InRange(evaluation.HarmfulRecall, 0.95, 1);                      // target: ≥ 0.95 for ks2
        Assert.InRange(evaluation.SafeBlockRate, 0, 0.03);
        Assert.InRange(evaluation.Confusion.MacroF1(l => ContentEvaluation.Topical.Contains(l)), 0.90, 1);
        Assert.InRange(evaluation.Confusion.MacroF1(l => ContentEvaluation.HateAbuseExtremism.Contains(l)), 0.75, 1);
        Assert.All(evaluation.Obfuscation, o => Assert.True(o.Value.Same >= 0.90 * o.Value.Total, $"{o.Key}: {o.Value.Same}/{o.Value.Total}")); // target: 90% for each trick
        Assert.Equal(ShippedModels.ContentLabels, ShippedModels.Content.Header.Labels);
        Assert.True(ShippedModels.Content.Header.Metrics.ContainsKey("harmfulRecall.ks2"));
    }
}
