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

    /// <summary>
    /// The help services a child in crisis needs, as their pages talk: each uses the words of the harm it helps with, and
    /// none may ever be blocked for the youngest (written for FilterProxy in the services' manner, not copied).
    /// </summary>
    [Theory]
    [InlineData("Childline", "Childline is here to help anyone under 19. Whatever is worrying you, self-harm, suicidal thoughts, abuse or bullying, you can talk to a counsellor online or call free on 0800 1111. Nobody will judge you.")]
    [InlineData("Samaritans", "Samaritans: whatever you are going through, you can call us any time, day or night, free on 116 123. If you are thinking about suicide or ending your life, talking can help. We are here to listen.")]
    [InlineData("Shout", "Text SHOUT to 85258 at any hour. A trained volunteer will text back, free and in confidence, whenever you feel you cannot cope, including when thoughts of self-harm or suicide come.")]
    [InlineData("NHS", "Self-harm: symptoms, causes and help. Self-harm is when somebody intentionally damages or injures their body, for example cutting or burning. If you have injured yourself badly or taken an overdose, call 999. Talk to your GP about treatment and support.")]
    [InlineData("FRANK", "Talk to FRANK. Honest information about drugs: cannabis, cocaine, ketamine, MDMA and more. What they look like, how they make you feel, the risks and the law. Worried about a friend? Call 0300 123 6600 or chat online.")]
    [InlineData("BEAT", "Beat is the UK's eating disorder charity. Anorexia, bulimia, binge eating and purging are serious mental illnesses, and recovery is possible. If you are worried about yourself or someone else, call our helpline.")]
    [InlineData("Prevent", "Prevent is part of the government's counter-terrorism strategy. It helps schools protect young people from being drawn into terrorism and extremism, including far-right and Islamist radicalisation, by spotting the signs and making a referral.")]
    [InlineData("GamCare", "GamCare supports anyone affected by gambling harms. If betting, casino games or slots are causing you problems, call the National Gambling Helpline free, 24 hours a day, or chat to an adviser online.")]
    [InlineData("CEOP", "Has someone online asked you for nude pictures or threatened to share your images? You can report it to CEOP. Sextortion is never your fault; do not pay, stop contact and tell an adult you trust.")]
    public void HelpServices_AreNeverBlocked_ForTheYoungest(string service, string page)
    {
        (CategorySet blocked, double threshold) = ModelTraining.Profile("nursery-ks1");
        CategoryScore? score = s_shipped.ClassifyText(page).FirstBlocked(blocked, threshold);
        Assert.True(score is null, $"{service} blocked as {score?.Category} {score?.Score:0.00}: {string.Join(", ", score?.Evidence ?? [])}");
    }

    [Theory]
    [InlineData("Parking is not allowed here.")]         // once self-harm 0.53 ("allowed here")
    [InlineData("No entry. Staff only.")]
    [InlineData("Please close the door behind you.")]
    [InlineData("Keep off the grass.")]
    [InlineData("Lesson cancelled today.")]
    public void ShortHarmlessText_IsNotBlocked(string text)
    {
        (CategorySet blocked, double threshold) = ModelTraining.Profile("nursery-ks1");
        CategoryScore? score = s_shipped.ClassifyText(text).FirstBlocked(blocked, threshold);
        Assert.True(score is null, $"blocked as {score?.Category} {score?.Score:0.00}: {string.Join(", ", score?.Evidence ?? [])}");
    }

    [Fact]
    public async Task AnUnlistedSitesName_CountsToo()
    {
        const string page = "<html><head><title>Welcome</title></head><body><p>Book tonight. Discreet and available now.</p></body></html>";
        ContentSample Sample(string host) => new(ContentKind.Html, System.Text.Encoding.UTF8.GetBytes(page), "utf-8", host);

        ContentVerdict named = await s_shipped.ClassifyAsync(Sample("hot-escorts-london.example"), CancellationToken.None);
        ContentVerdict plain = await s_shipped.ClassifyAsync(Sample("www.example.org"), CancellationToken.None);

        Assert.Equal(Category.Pornography, named.FirstBlocked(s_ks2.Blocked, s_ks2.Threshold)?.Category);
        Assert.Null(plain.FirstBlocked(s_ks2.Blocked, s_ks2.Threshold));
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
    public void HatePattern_AddsToDiscrimination_WithThePatternAsEvidence()
    {
        const string text = "Honestly the refugees in this town are vermin and should be deported, every single one of them.";
        var without = new ContentClassifier(ShippedModels.Content, PhraseList.BuiltIn(), hatePatterns: HatePatterns.None);

        (ContentVerdict verdict, Dictionary<string, double> scores) = s_shipped.ClassifyWithScores(text);

        Assert.True(scores["discrimination"] > without.ClassifyWithScores(text).Scores["discrimination"]);
        CategoryScore discrimination = Assert.Single(verdict.Scores, static s => s.Category == Category.Discrimination);
        Assert.Contains(discrimination.Evidence, static e => e.StartsWith("phrase pattern refugees + ", StringComparison.Ordinal));
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
    public async Task CleanPage_AsTheProxySendsIt_WithHostAndCharset_AllocatesNothing_AfterWarmUp()
    {
        // The proxy's path: bytes, a charset to trim and a site name to read (each once cost 32 B a page).
        var page = new ContentSample(ContentKind.Html, System.Text.Encoding.UTF8.GetBytes(
            "<html><body><p>The water cycle: evaporation, condensation, precipitation and collection. Homework is due on Friday.</p></body></html>"),
            "\"utf-8\"", "school-news.example.org");
        for (int i = 0; i < 200; i++)
        {
            await s_shipped.ClassifyAsync(page, default);   // completes synchronously: no await allocates
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Assert.Same(ContentVerdict.Clean, await s_shipped.ClassifyAsync(page, default));
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

        // These pages are written by the same hands as the training text (MODEL.md leads with the figures on other
        // people's text): the test is that the shipped model still does what its header says it did when it was trained,
        // with the corpus and code of this checkout — not a target.
        IReadOnlyDictionary<string, double> recorded = ShippedModels.Content.Header.Metrics;
        Assert.True(heldOut.Count > 400, $"{heldOut.Count} held-out pages");
        Assert.InRange(evaluation.HarmfulRecall, recorded["harmfulRecall.ks2"] - 0.01, 1);
        Assert.InRange(evaluation.SafeBlockRate, 0, recorded["safeBlocked.ks2"] + 0.01);
        Assert.InRange(evaluation.HelpBlockRate, 0, recorded["helpBlocked.ks2"] + 0.01);
        Assert.InRange(evaluation.Confusion.MacroF1(l => ContentEvaluation.Topical.Contains(l)), recorded["macroF1.topical"] - 0.02, 1);
        Assert.All(evaluation.Obfuscation, o => Assert.True(o.Value.Same >= 0.90 * o.Value.Total, $"{o.Key}: {o.Value.Same}/{o.Value.Total}")); // target: 90% for each trick
        Assert.Equal(ShippedModels.ContentLabels, ShippedModels.Content.Header.Labels);
    }
}
