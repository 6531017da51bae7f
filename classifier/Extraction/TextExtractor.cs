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

    private static Encoding EncodingFor(string? charset)
    {
        if (charset is null)
        {
            return Encoding.UTF8;
        }

        return charset.Trim('"', ' ').ToLowerInvariant() switch
        {
            "iso-8859-1" or "latin1" or "windows-1252" or "us-ascii" or "ascii" => Encoding.Latin1,
            "utf-16" or "utf-16le" => Encoding.Unicode,
            "utf-16be" => Encoding.BigEndianUnicode,
            _ => Encoding.UTF8,
        };
    }
}
