namespace FilterProxy.Core.Lists;

/// <summary>
/// Line parsers for the domain, hosts, AdBlock and URL list formats. They never throw on content:
/// every line is either an entry, a skip (valid but not meaningful at network level) or a rejection
/// with its line number, and the rest of the file still loads.
/// </summary>
internal static class ListParser
{
    private static readonly string[] s_hostsIgnored =
    [
        "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback",
        "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
    ];

    public static void Parse(Stream stream, ListFormat format, IListSink sink)
    {
        var reader = new LineReader(stream);
        long lastProgress = 0;
        while (reader.TryReadLine(out ReadOnlySpan<char> raw, out bool tooLong))
        {
            long n = reader.LineNumber;
            if (tooLong)
            {
                sink.Reject(n, $"line longer than {LineReader.MaxLineChars} characters", "");
                continue;
            }

            ReadOnlySpan<char> line = raw.Trim();
            if (!line.IsEmpty)
            {
                switch (format)
                {
                    case ListFormat.Domains:
                        ParseDomainLine(line, n, sink);
                        break;
                    case ListFormat.Hosts:
                        ParseHostsLine(line, n, sink);
                        break;
                    case ListFormat.AdBlock:
                        ParseAdBlockLine(line, n, sink);
                        break;
                    case ListFormat.Urls:
                        ParseUrlLine(line, n, sink);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(format), format, "Not a line format.");
                }
            }

            if (reader.BytesRead - lastProgress >= 1 << 20)
            {
                sink.Progress(reader.BytesRead - lastProgress);
                lastProgress = reader.BytesRead;
            }
        }

        sink.Progress(reader.BytesRead - lastProgress);
    }

    private static ReadOnlySpan<char> StripComment(ReadOnlySpan<char> line, char marker = '#')
    {
        int hash = line.IndexOf(marker);
        return hash < 0 ? line : line[..hash].TrimEnd();
    }

    private static void ParseDomainLine(ReadOnlySpan<char> line, long n, IListSink sink)
    {
        ReadOnlySpan<char> text = line;
        line = StripComment(line);
        if (line.IsEmpty)
        {
            return;
        }

        if (line.ContainsAny(' ', '\t'))
        {
            sink.Reject(n, "unexpected text after the name (is this a hosts file?)", text);
            return;
        }

        if (line.Contains('/'))
        {
            sink.Reject(n, "looks like a URL; use the 'urls' format for URL lists", text);
            return;
        }

        sink.Domain(line, exception: false, n, text);
    }

    private static void ParseHostsLine(ReadOnlySpan<char> line, long n, IListSink sink)
    {
        ReadOnlySpan<char> text = line;
        line = StripComment(line);
        if (line.IsEmpty)
        {
            return;
        }

        int firstSpace = line.IndexOfAny(' ', '\t');
        if (firstSpace < 0)
        {
            sink.Reject(n, "expected '<address> <name>'", text);
            return;
        }

        ReadOnlySpan<char> address = line[..firstSpace];
        if (!System.Net.IPAddress.TryParse(address, out _))
        {
            sink.Reject(n, "the first field is not an IP address", text);
            return;
        }

        ReadOnlySpan<char> rest = line[firstSpace..].Trim();
        foreach (Range r in rest.SplitAny(' ', '\t'))
        {
            ReadOnlySpan<char> name = rest[r];
            if (name.IsEmpty)
            {
                continue;
            }

            if (IsIgnoredHostsName(name))
            {
                sink.Skip();
                continue;
            }

            sink.Domain(name, exception: false, n, text);
        }
    }

    private static bool IsIgnoredHostsName(ReadOnlySpan<char> name)
    {
        foreach (string ignored in s_hostsIgnored)
        {
            if (name.Equals(ignored, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void ParseAdBlockLine(ReadOnlySpan<char> line, long n, IListSink sink)
    {
        ReadOnlySpan<char> text = line;
        if (line[0] is '!' or '[' || line.StartsWith("# ") || line.Equals("#", StringComparison.Ordinal))
        {
            return;
        }

        if (line.Contains("##", StringComparison.Ordinal) || line.Contains("#@#", StringComparison.Ordinal)
            || line.Contains("#?#", StringComparison.Ordinal) || line.Contains("#$#", StringComparison.Ordinal))
        {
            sink.Skip(); // cosmetic (element-hiding) rule: nothing to do at network level
            return;
        }

        bool exception = line.StartsWith("@@");
        if (exception)
        {
            line = line[2..];
        }

        int dollar = line.IndexOf('$');
        if (dollar >= 0)
        {
            if (!OptionsApplyToWholeSite(line[(dollar + 1)..]))
            {
                sink.Skip(); // options such as $script or $domain= cannot be honoured for a whole host
                return;
            }

            line = line[..dollar];
        }

        if (line.StartsWith("||"))
        {
            line = line[2..];
            line = line.TrimEnd('^').TrimEnd('|');
            int slash = line.IndexOf('/');
            if (line.ContainsAny('*', '^'))
            {
                sink.Skip(); // wildcard patterns inside the name are not host rules
                return;
            }

            if (slash >= 0)
            {
                if (exception)
                {
                    sink.Skip();
                    return;
                }

                sink.Url(line, n, text);
                return;
            }

            sink.Domain(line, exception, n, text);
            return;
        }

        if (line.StartsWith('|') || line.StartsWith('/') || line.ContainsAny('*', '^', '/'))
        {
            sink.Skip(); // URL patterns and regular expressions: page-level rules, not host rules
            return;
        }

        int space = line.IndexOfAny(' ', '\t');
        if (space > 0 && System.Net.IPAddress.TryParse(line[..space], out _))
        {
            ParseHostsLine(text, n, sink); // hosts-style lines appear in some AdBlock DNS lists
            return;
        }

        if (space >= 0)
        {
            sink.Reject(n, "not an AdBlock rule", text);
            return;
        }

        sink.Domain(line, exception, n, text);
    }

    private static bool OptionsApplyToWholeSite(ReadOnlySpan<char> options)
    {
        foreach (Range r in options.Split(','))
        {
            ReadOnlySpan<char> option = options[r].Trim();
            if (!(option.Equals("important", StringComparison.OrdinalIgnoreCase)
                || option.Equals("all", StringComparison.OrdinalIgnoreCase)
                || option.Equals("document", StringComparison.OrdinalIgnoreCase)
                || option.Equals("doc", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }

    private static void ParseUrlLine(ReadOnlySpan<char> line, long n, IListSink sink)
    {
        ReadOnlySpan<char> text = line;
        if (line[0] == '#')
        {
            return;
        }

        if (line.ContainsAny(' ', '\t'))
        {
            line = StripComment(line);
            if (line.ContainsAny(' ', '\t'))
            {
                sink.Reject(n, "a URL cannot contain spaces", text);
                return;
            }
        }

        if (line.IsEmpty)
        {
            return;
        }

        sink.Url(line, n, text);
    }
}
