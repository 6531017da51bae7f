using System.Text;
using FilterProxy.Classifier.Extraction;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Extraction;

public sealed class TextExtractorTests
{
    private static string Html(string html) => TextExtractor.Extract(new ContentSample(ContentKind.Html, Encoding.UTF8.GetBytes(html), null, "x.test"));

    [Fact]
    public void Html_KeepsVisibleTextTitleAltAndDescription_DropsScriptStyleAndComments()
    {
        string text = Html("""
            <html><head><title>The Title</title><meta name="description" content="A description"><style>.x{color:red}</style>
            <script>var hidden = "secret";</script></head><body><!-- comment --><p>Body &amp; text</p><img src=a.png alt='Alt words'></body></html>
            """);

        foreach (string expected in new[] { "The Title", "A description", "Body & text", "Alt words" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        foreach (string hidden in new[] { "secret", "color", "comment" })
        {
            Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("<p>Tom &amp; Jerry</p>", "Tom & Jerry")]
    [InlineData("<p>it&#39;s &#x41;&nbsp;b</p>", "it's A b")]
    [InlineData("<p>&unknown; &amp</p>", "&unknown; &amp")]   // unknown or unterminated references stay as written
    [InlineData("<p>a</p><SCRIPT>x</SCRIPT><p>b</p>", "a b")]  // tag names in any case
    public void Html_DecodesCharacterReferences(string html, string expected)
    {
        Assert.Equal(expected, string.Join(' ', Html(html).Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Html_CutMidTag_KeepsWhatWasRead()
    {
        Assert.Contains("before", Html("<p>before</p><a href=\"x"), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_TakesStringValues_EvenWhenCut()
    {
        byte[] json = Encoding.UTF8.GetBytes("""{"title":"hello world","n":3,"items":["second value","cut he""");

        string text = TextExtractor.Extract(new ContentSample(ContentKind.Json, json, null, "x.test"));

        Assert.Contains("hello world", text, StringComparison.Ordinal);
        Assert.Contains("second value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"n\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ISO-8859-1")]
    [InlineData("\"windows-1252\"")]   // quoted, as some servers send it
    [InlineData(" latin1 ")]
    public void Latin1Charset_IsHonoured(string charset)
    {
        byte[] latin1 = Encoding.Latin1.GetBytes("café");

        Assert.Equal("café", TextExtractor.Extract(new ContentSample(ContentKind.Text, latin1, charset, "x.test")));
    }

    [Theory]
    [InlineData("UTF-16")]
    [InlineData("utf-16be")]
    public void Utf16Charsets_AreHonoured(string charset)
    {
        Encoding encoding = charset.EndsWith("be", StringComparison.OrdinalIgnoreCase) ? Encoding.BigEndianUnicode : Encoding.Unicode;

        Assert.Equal("café", TextExtractor.Extract(new ContentSample(ContentKind.Text, encoding.GetBytes("café"), charset, "x.test")));
    }
}
