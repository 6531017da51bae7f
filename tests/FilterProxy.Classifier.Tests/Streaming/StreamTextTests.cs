using System.Text;
using FilterProxy.Classifier.Extraction;
using FilterProxy.Classifier.Streaming;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Streaming;

/// <summary>The readers of a body that arrives in pieces read the same words whatever the pieces are.</summary>
public sealed class StreamTextTests
{
    private const string Page = "<!doctype html><html><head><title>Rivers &amp; lakes</title><meta name=\"description\" content=\"How rivers shape valleys\">" +
        "<style>p { color: red } /* </p> */</style><script>var s = '<p>not text</p>'; if (a < b) {}</script></head>" +
        "<body><!-- a comment with <b>tags</b> > inside --><h1>Rivers</h1><p>Water flows downhill, a &lt; b, and carves a valley.</p>" +
        "<img src=\"x.png\" alt=\"A meander seen from above\"><p title='quoted > angle'>Oxbow lakes form when a meander is cut off.</p>" +
        "<noscript>enable scripts</noscript><p>Caf\u00e9 caf\u00e9.</p></body></html>";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void Html_ReadInPieces_GivesTheWholePagesWords(int piece)
    {
        string whole = Words(TextExtractor.FromHtml(Page));

        string streamed = Words(Read(ContentKind.Html, Encoding.UTF8.GetBytes(Page), piece));

        Assert.Equal(whole, streamed);
        Assert.Contains("Oxbow lakes form", streamed, StringComparison.Ordinal);
        Assert.DoesNotContain("not text", streamed, StringComparison.Ordinal);
        Assert.DoesNotContain("enable scripts", streamed, StringComparison.Ordinal);
        Assert.Contains("Café café", streamed, StringComparison.Ordinal); // a character cut between pieces is read whole
    }

    [Fact]
    public void Html_AStrayLessThan_DoesNotSwallowThePage()
    {
        string text = Words(Read(ContentKind.Html, Encoding.UTF8.GetBytes("<p>3 < 4 and it's true</p><p>Next paragraph's words</p>"), 5));

        Assert.Equal("3 < 4 and it's true Next paragraph's words", text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(4096)]
    public void EventStream_ReadsTheAnswersDeltas_NotTheirEnvelope(int piece)
    {
        string sse =
            ": keep-alive comment\r\n\r\n" +
            "event: message\r\nid: 1\r\ndata: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"The Nile\"}}]}\r\n\r\n" +
            "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" is the longest\"}}\n\n" +
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" river in Africa\"}],\"role\":\"model\"}}]}\n\n" +
            "data: {\"p\":\"/message/content/parts/0\",\"o\":\"append\",\"v\":\", flowing north\"}\r" +
            "\r" +
            "data: plain words\ndata: on two lines\n\n" +
            "data: [DONE]\n\n";

        string text = Words(Read(ContentKind.EventStream, Encoding.UTF8.GetBytes(sse), piece));

        Assert.Equal("The Nile is the longest river in Africa, flowing north plain words on two lines", text);
    }

    [Fact]
    public void EventStream_AnEventNotClosedByABlankLine_IsReadAtTheEnd()
    {
        Assert.Equal("last words", Words(Read(ContentKind.EventStream, "data: {\"delta\":{\"content\":\"last words\"}}"u8.ToArray(), 3)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    public void JsonLines_ReadsTheProse_OfEachLine(int piece)
    {
        string ndjson =
            "{\"model\":\"llama3\",\"created_at\":\"2026-12-08T00:00:00Z\",\"response\":\"Volcanoes\",\"done\":false}\n" +
            "{\"model\":\"llama3\",\"created_at\":\"2026-12-08T00:00:01Z\",\"response\":\" erupt when\",\"done\":false}\n" +
            "{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\" magma rises\"},\"done\":true,\"note\":\"a sentence in an unknown field\"}\n";

        string text = Words(Read(ContentKind.JsonLines, Encoding.UTF8.GetBytes(ndjson), piece));

        Assert.Equal("Volcanoes erupt when magma rises a sentence in an unknown field", text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    public void Json_ReadsEveryString_WithTokensCutBetweenPieces(int piece)
    {
        string json = "{\"title\":\"Photosynthesis\",\"items\":[\"light\",\"water \\u0026 carbon dioxide\"],\"n\":3}";

        Assert.Equal("Photosynthesis light water & carbon dioxide", Words(Read(ContentKind.Json, Encoding.UTF8.GetBytes(json), piece)));
    }

    [Fact]
    public void Json_ThatTurnsOutNotToBeJson_IsReadAsText()
    {
        Assert.EndsWith("oops this is not json", Words(Read(ContentKind.Json, "{\"a\": oops this is not json"u8.ToArray(), 4)), StringComparison.Ordinal);
    }

    internal static string Read(ContentKind kind, byte[] body, int piece)
    {
        var reader = new StreamTextReader(kind, "utf-8");
        var sink = new Collect();
        for (int i = 0; i < body.Length; i += piece)
        {
            reader.Read(body.AsSpan(i, Math.Min(piece, body.Length - i)), sink);
        }

        reader.Complete(sink);
        return sink.Text.ToString();
    }

    private static string Words(string text) => string.Join(' ', text.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private sealed class Collect : ITextSink
    {
        public StringBuilder Text { get; } = new();

        public void Append(ReadOnlySpan<char> text) => Text.Append(text);
    }
}
