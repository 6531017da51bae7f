using System.Buffers;
using System.Text;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Extraction;

/// <summary>
/// The words a reader sees: for HTML the visible text, title, meta description and image alt text (never script
/// or style); for JSON the string values; plain text as it is. Bounded by the sample (the proxy reads at most
/// its scan limit). Works in one rented buffer: HTML text is compacted in place, as it is never longer than
/// its markup.
/// </summary>
public static class TextExtractor
{
    public static string Extract(in ContentSample sample)
    {
        using PooledText text = ExtractPooled(sample);
        return text.Text.ToString();
    }

    /// <summary>The visible text of an HTML string (command-line input and training data).</summary>
    public static string FromHtml(string html) => HtmlText.Visible(html);

    public static PooledText ExtractPooled(in ContentSample sample)
    {
        ReadOnlySpan<byte> body = sample.Body.Span;
        if (sample.Kind == ContentKind.Json)
        {
            char[] strings = ArrayPool<char>.Shared.Rent(Math.Max(16, body.Length));
            return new PooledText(strings, JsonText.StringsInto(body, strings));
        }

        Encoding encoding = EncodingFor(sample.Charset);
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(16, encoding.GetMaxCharCount(body.Length)));
        int length = encoding.GetChars(body, buffer);
        if (sample.Kind == ContentKind.Html)
        {
            length = HtmlText.VisibleInPlace(buffer.AsSpan(0, length));
        }

        return new PooledText(buffer, length);
    }

    /// <summary>The charset's encoding, read as a span (trimming or lower-casing the string would allocate on every page).</summary>
    internal static Encoding EncodingFor(string? charset)
    {
        ReadOnlySpan<char> name = charset.AsSpan().Trim("\" ");
        return Is(name, "iso-8859-1") || Is(name, "latin1") || Is(name, "windows-1252") || Is(name, "us-ascii") || Is(name, "ascii") ? Encoding.Latin1
            : Is(name, "utf-16") || Is(name, "utf-16le") ? Encoding.Unicode
            : Is(name, "utf-16be") ? Encoding.BigEndianUnicode
            : Encoding.UTF8;

        static bool Is(ReadOnlySpan<char> name, string known) => name.Equals(known, StringComparison.OrdinalIgnoreCase);
    }
}
