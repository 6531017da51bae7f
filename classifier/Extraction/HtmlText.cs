using System.Net;
using System.Text;

namespace FilterProxy.Classifier.Extraction;

/// <summary>A forgiving single-pass scan of HTML: text between tags, plus title, alt, and meta description/keywords content.</summary>
internal static class HtmlText
{
    public static string Visible(string html)
    {
        var sb = new StringBuilder(html.Length / 3);
        int i = 0;
        while (i < html.Length)
        {
            int lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                AppendText(sb, html.AsSpan(i));
                break;
            }

            AppendText(sb, html.AsSpan(i, lt - i));
            if (html.AsSpan(lt).StartsWith("<!--", StringComparison.Ordinal))
            {
                int end = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }

            int gt = TagEnd(html, lt);
            if (gt < 0)
            {
                break;
            }

            ReadOnlySpan<char> tag = html.AsSpan(lt + 1, gt - lt - 1);
            ReadOnlySpan<char> name = TagName(tag);
            i = gt + 1;
            bool closing = tag.Length > 0 && tag[0] == '/';
            if (!closing && (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase)
                || name.Equals("noscript", StringComparison.OrdinalIgnoreCase) || name.Equals("template", StringComparison.OrdinalIgnoreCase)))
            {
                int close = html.IndexOf("</" + name.ToString(), i, StringComparison.OrdinalIgnoreCase);
                i = close < 0 ? html.Length : close;
                continue;
            }

            if (name.Equals("img", StringComparison.OrdinalIgnoreCase) || name.Equals("area", StringComparison.OrdinalIgnoreCase))
            {
                AppendText(sb, Attribute(tag, "alt"));
            }
            else if (name.Equals("meta", StringComparison.OrdinalIgnoreCase))
            {
                ReadOnlySpan<char> metaName = Attribute(tag, "name");
                if (metaName.Equals("description", StringComparison.OrdinalIgnoreCase) || metaName.Equals("keywords", StringComparison.OrdinalIgnoreCase))
                {
                    AppendText(sb, Attribute(tag, "content"));
                }
            }

            sb.Append(' ');
        }

        return sb.ToString();
    }

    private static int TagEnd(string html, int lt)
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

    private static ReadOnlySpan<char> TagName(ReadOnlySpan<char> tag)
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

    private static void AppendText(StringBuilder sb, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        if (text.Contains('&'))
        {
            sb.Append(WebUtility.HtmlDecode(text.ToString()));
        }
        else
        {
            sb.Append(text);
        }
    }
}
