using System.Text;
using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Streaming;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;
using static FilterProxy.Tests.Common.StreamingTexts;

namespace FilterProxy.Classifier.Tests.Streaming;

/// <summary>A response judged as it streams: harm deep in a long page or mid-answer is found; a long harmless one is not blocked.</summary>
public sealed class ContentStreamTests
{
    private static readonly ContentClassifier s_shipped = ShippedModels.ContentClassifier();
    private static readonly (CategorySet Blocked, double Threshold) s_ks2 = ModelTraining.Profile("ks2");

    /// <summary>
    /// A harmful paragraph deep in a long page, read in the proxy's 16 KB pieces, wherever it falls against the
    /// judging windows (shifted by a few words each time): found every time, with more page after it.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void HarmfulParagraph_DeepInALongPage_IsFound_WhereverItFalls(int shift)
    {
        var page = new StringBuilder("<html><body><p>");
        page.Insert(page.Length, "word ", shift * 23).Append("</p>");
        while (page.Length < 2 * 1024 * 1024)
        {
            page.Append(Revision);
        }

        int harmAt = Encoding.UTF8.GetByteCount(page.ToString());
        page.Append(Harm).Insert(page.Length, Revision, 40).Append("</body></html>");
        byte[] body = Encoding.UTF8.GetBytes(page.ToString());
        using IContentStream stream = s_shipped.OpenStream(ContentKind.Html, "utf-8", "revision.test", s_ks2.Blocked, s_ks2.Threshold);

        int stoppedAt = -1;
        for (int i = 0; i < body.Length && stoppedAt < 0; i += 16 * 1024)
        {
            stoppedAt = Blocked(stream.Write(body.AsSpan(i, Math.Min(16 * 1024, body.Length - i)))) is null ? -1 : i;
        }

        Assert.True(stoppedAt >= 0, "the harmful paragraph was not found");
        Assert.InRange(stoppedAt, harmAt - (16 * 1024), harmAt + (16 * 1024)); // not before it, and in its piece or the next
        Assert.Equal(Category.SelfHarm, Blocked(stream.Complete())!.Category);
        Assert.Contains("overdose", stream.LastWindow, StringComparison.Ordinal);
        Assert.True(stream.TextChars > 1_500_000);
    }

    /// <summary>
    /// The same, read in pieces of random sizes (what a busy network gives the proxy): a run that cut the paragraph
    /// between a small piece and a large one once missed it, when the window grew past 1,000 characters.
    /// </summary>
    [Theory]
    [InlineData(64)]
    [InlineData(1500)]
    [InlineData(16384)]
    public void HarmfulParagraph_ReadInPiecesOfAnySize_IsFound(int largestPiece)
    {
        var page = new StringBuilder("<!doctype html><html><body>\n");
        while (page.Length < 100_000)
        {
            page.Append(Revision);
        }

        page.Append(Harm).Insert(page.Length, Revision, 100);
        byte[] body = Encoding.UTF8.GetBytes(page.ToString());
        for (int seed = 0; seed < 24; seed++)
        {
            var random = new Random(seed);
            using IContentStream stream = s_shipped.OpenStream(ContentKind.Html, "utf-8", "revision.test", s_ks2.Blocked, s_ks2.Threshold);
            bool stopped = false;
            for (int i = 0; i < body.Length && !stopped;)
            {
                int n = Math.Min(body.Length - i, random.Next(1, largestPiece + 1));
                stopped = stream.Write(body.AsSpan(i, n)) is not null;
                i += n;
            }

            Assert.True(stopped, $"missed with pieces up to {largestPiece} bytes, seed {seed}");
        }
    }

    [Fact]
    public void AnswerArrivingTokenByToken_IsJudgedAsSentences_AndStoppedWhereItTurns()
    {
        using IContentStream stream = s_shipped.OpenStream(ContentKind.EventStream, null, "chat.test", s_ks2.Blocked, s_ks2.Threshold);
        string answer = SafeAnswer + " " + Plain(Harm);
        string[] tokens = Tokens(answer);
        int stoppedAt = -1;
        for (int i = 0; i < tokens.Length && stoppedAt < 0; i++)
        {
            string sse = $"data: {{\"choices\":[{{\"delta\":{{\"content\":{System.Text.Json.JsonSerializer.Serialize(tokens[i])}}}}}]}}\n\n";
            if (Blocked(stream.Write(Encoding.UTF8.GetBytes(sse))) is not null)
            {
                stoppedAt = i;
            }
        }

        Assert.True(stoppedAt > 0, "the answer was never stopped");
        string before = string.Concat(tokens[..stoppedAt]);
        Assert.Contains("Photosynthesis is how plants make food", before, StringComparison.Ordinal); // the safe start was never stopped
        Assert.True(stoppedAt < tokens.Length - 10, $"stopped only at token {stoppedAt} of {tokens.Length}");
    }

    [Fact]
    public void ALongHarmlessStream_IsNeverBlocked_AndItsMemoryStaysTheWindow()
    {
        using IContentStream stream = s_shipped.OpenStream(ContentKind.Text, "utf-8", "revision.test", s_ks2.Blocked, s_ks2.Threshold);
        byte[] text = Encoding.UTF8.GetBytes(Plain(Revision));
        for (int i = 0; i < 3000; i++)
        {
            Assert.Null(Blocked(stream.Write(text)));
        }

        Assert.Null(Blocked(stream.Complete()));
        Assert.True(ContentStream.WindowChars < 8 * 1024);
    }

    [Fact]
    public void APrefixAlreadyJudged_IsContextOnly()
    {
        using IContentStream stream = s_shipped.OpenStream(ContentKind.Html, "utf-8", "revision.test", s_ks2.Blocked, s_ks2.Threshold);

        Assert.Null(stream.Write(Encoding.UTF8.GetBytes(Harm), judge: false));
        Assert.Null(Blocked(stream.Write(Encoding.UTF8.GetBytes(Revision + Revision + Revision))));
    }

    private static CategoryScore? Blocked(ContentVerdict? verdict) => verdict?.FirstBlocked(s_ks2.Blocked, s_ks2.Threshold);
}
