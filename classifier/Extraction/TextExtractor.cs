using System.Text;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Extraction;

/// <summary>
/// The words a reader sees: for HTML the visible text, title, meta description and image alt text (never script
/// or style); for JSON the string values; plain text as it is. Bounded by the sample (the proxy reads at most
/// its scan limit) and by a character limit.
/// </summary>
public static class TextExtractor
{
    public static string Extract(in ContentSample sample, int maxChars = 512 * 1024)
    {
        Encoding encoding = EncodingFor(sample.Charset);
        string text = encoding.GetString(sample.Body.Span);
        if (text.Length > maxChars)
        {
            text = text[..maxChars];
        }

        return sample.Kind switch
        {
            ContentKind.Html => HtmlText.Visible(text),
            ContentKind.Json => JsonText.Strings(text),
            _ => text,
        };
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
