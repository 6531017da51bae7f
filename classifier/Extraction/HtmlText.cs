using System.Globalization;

namespace FilterProxy.Classifier.Extraction;

/// <summary>
/// A forgiving single-pass scan of HTML: text between tags, plus title, image alt text and meta
/// description/keywords, with common character references decoded. Written in place over the markup (the text
/// is never longer than the markup it came from), so a page costs no allocation.
/// </summary>
internal static class HtmlText
{
    public static string Visible(string html)
    {
        char[] copy = html.ToCharArray();
        return new string(copy, 0, VisibleInPlace(copy));
    }

    /// <summary>Replaces the start of <paramref name="s"/> with its visible text; returns the text's length.</summary>
    public static int VisibleInPlace(Span<char> s)
    {
        int w = 0;
        int i = 0;
        Span<char> closeTag = stackalloc char[16];
        while (i < s.Length)
        {
            int lt = s[i..].IndexOf('<');
            int end = lt < 0 ? s.Length : i + lt;
            w = AppendText(s, w, s[i..end]);
            if (lt < 0)
            {
                break;
            }

            lt = end;
            if (s[lt..].StartsWith("<!--", StringComparison.Ordinal))
            {
                int close = s[(lt + 4)..].IndexOf("-->", StringComparison.Ordinal);
                i = close < 0 ? s.Length : lt + 4 + close + 3;
                continue;
            }

            int gt = TagEnd(s, lt);
            if (gt < 0)
            {
                break;
            }

            ReadOnlySpan<char> tag = s.Slice(lt + 1, gt - lt - 1);
            ReadOnlySpan<char> name = TagName(tag);
            i = gt + 1;
            bool closing = tag.Length > 0 && tag[0] == '/';
            if (!closing && IsHidden(name))
            {
                "</".CopyTo(closeTag);
                name.CopyTo(closeTag[2..]);
                int close = s[i..].IndexOf(closeTag[..(name.Length + 2)], StringComparison.OrdinalIgnoreCase);
                i = close < 0 ? s.Length : i + close;
                continue;
            }

            w = AppendTagText(s, w, tag, name);
        }

        return w;
    }

    /// <summary>What a tag shows a reader (an image's alt text, a meta description or keywords), then a space.</summary>
    internal static int AppendTagText(Span<char> s, int w, ReadOnlySpan<char> tag, ReadOnlySpan<char> name)
    {
        if (name.Equals("img", StringComparison.OrdinalIgnoreCase) || name.Equals("area", StringComparison.OrdinalIgnoreCase))
        {
            w = AppendText(s, w, Attribute(tag, "alt"));
        }
        else if (name.Equals("meta", StringComparison.OrdinalIgnoreCase))
        {
            ReadOnlySpan<char> metaName = Attribute(tag, "name");
            if (metaName.Equals("description", StringComparison.OrdinalIgnoreCase) || metaName.Equals("keywords", StringComparison.OrdinalIgnoreCase))
            {
                w = AppendText(s, w, Attribute(tag, "content"));
            }
        }

        s[w++] = ' ';
        return w;
    }

    internal static bool IsHidden(ReadOnlySpan<char> name) =>
        name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase)
        || name.Equals("noscript", StringComparison.OrdinalIgnoreCase) || name.Equals("template", StringComparison.OrdinalIgnoreCase);

    private static int TagEnd(ReadOnlySpan<char> html, int lt)
    {
        char quote = '\0';
        for (int j = lt + 1; j < html.Length; j++)
        {
            char c = html[j];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return j;
            }
        }

        return -1;
    }

    internal static ReadOnlySpan<char> TagName(ReadOnlySpan<char> tag)
    {
        int start = 0;
        while (start < tag.Length && tag[start] == '/')
        {
            start++;
        }

        int end = start;
        while (end < tag.Length && (char.IsAsciiLetterOrDigit(tag[end]) || tag[end] == '-'))
        {
            end++;
        }

        return tag[start..end];
    }

    /// <summary>The value of name="…" (or '…', or unquoted) in a tag, or empty.</summary>
    internal static ReadOnlySpan<char> Attribute(ReadOnlySpan<char> tag, string name)
    {
        int from = 0;
        while (true)
        {
            int at = tag[from..].IndexOf(name, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return default;
            }

            at += from;
            int after = at + name.Length;
            bool boundary = at > 0 && char.IsWhiteSpace(tag[at - 1]);
            int eq = after;
            while (eq < tag.Length && char.IsWhiteSpace(tag[eq]))
            {
                eq++;
            }

            if (boundary && eq < tag.Length && tag[eq] == '=')
            {
                int v = eq + 1;
                while (v < tag.Length && char.IsWhiteSpace(tag[v]))
                {
                    v++;
                }

                if (v >= tag.Length)
                {
                    return default;
                }

                if (tag[v] is '"' or '\'')
                {
                    int close = tag[(v + 1)..].IndexOf(tag[v]);
                    return close < 0 ? tag[(v + 1)..] : tag.Slice(v + 1, close);
                }

                int space = tag[v..].IndexOfAny(' ', '\t', '/');
                return space < 0 ? tag[v..] : tag.Slice(v, space);
            }

            from = after;
        }
    }

    /// <summary>Copies text to position <paramref name="w"/> (never after where it came from), decoding character references.</summary>
    internal static int AppendText(Span<char> s, int w, ReadOnlySpan<char> text)
    {
        int amp = text.IndexOf('&');
        if (amp < 0)
        {
            text.CopyTo(s[w..]);
            return w + text.Length;
        }

        for (int j = 0; j < text.Length; j++)
        {
            char c = text[j];
            if (c == '&' && TryDecodeEntity(text[j..], out char decoded, out int consumed))
            {
                s[w++] = decoded;
                j += consumed - 1;
            }
            else
            {
                s[w++] = c;
            }
        }

        return w;
    }

    private static bool TryDecodeEntity(ReadOnlySpan<char> text, out char decoded, out int consumed)
    {
        decoded = '\0';
        consumed = 0;
        int semi = text[..Math.Min(text.Length, 10)].IndexOf(';');
        if (semi < 2)
        {
            return false;
        }

        ReadOnlySpan<char> entity = text[1..semi];
        consumed = semi + 1;
        if (entity[0] == '#')
        {
            bool hex = entity.Length > 1 && entity[1] is 'x' or 'X';
            if (int.TryParse(hex ? entity[2..] : entity[1..], hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out int code)
                && code is > 0 and < 0xD800)
            {
                decoded = (char)code;
                return true;
            }

            return false;
        }

        decoded = entity switch
        {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            _ => '\0',
        };
        return decoded != '\0';
    }
}
