using System.Text;

namespace FilterProxy.Core.Text;

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes.</summary>
public static class Csv
{
    public static IEnumerable<string[]> Read(TextReader reader)
    {
        foreach (CsvRow row in ReadRows(reader))
        {
            yield return row.Fields;
        }
    }

    /// <summary>Rows with the line each starts on (for error messages), blank lines skipped.</summary>
    public static IEnumerable<CsvRow> ReadRows(TextReader reader)
    {
        int line = 1;
        int start = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        bool any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            char ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    line += ch == '\n' ? 1 : 0;
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                if (fields.Count > 1 || fields[0].Length > 0)
                {
                    yield return new CsvRow(start, [.. fields]);
                }

                fields.Clear();
                any = false;
                start = ++line;
                continue;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (any)
        {
            fields.Add(field.ToString().TrimEnd('\r'));
            yield return new CsvRow(start, [.. fields]);
        }
    }

    /// <summary>
    /// One CSV line (RFC 4180): fields with a comma, quote or line break are quoted; a field starting with = + - @, a tab
    /// or a carriage return is prefixed with ' so a spreadsheet never runs it as a formula (CSV injection, OWASP).
    /// </summary>
    public static string Line(IReadOnlyList<string?> values)
    {
        var line = new System.Text.StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            string v = values[i] ?? "";
            if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            {
                v = "'" + v;
            }

            line.Append(v.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v);
        }

        return line.ToString();
    }
}

/// <summary>One CSV record and the line it starts on.</summary>
public readonly record struct CsvRow(int Line, string[] Fields);
