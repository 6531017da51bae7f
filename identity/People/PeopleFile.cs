using System.Text.Json;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Text;
using FilterProxy.Identity.Leases;

namespace FilterProxy.Identity.People;

/// <summary>What an import file held: the people it could read and the lines it refused (with the reason).</summary>
public sealed record PeopleReadResult(IReadOnlyList<Person> People, IReadOnlyList<LineError> Errors);

/// <summary>
/// The school's pupil and staff import, from the MIS export: CSV with a header row, or a JSON array of objects, with
/// the fields username, displayName, role (pupil, staff, guest), yearGroup, class, profile, vulnerable (true/false,
/// yes/no, 1/0). A bad row is reported by line and skipped; the others load.
/// </summary>
public static class PeopleFile
{
    private static readonly string[] s_fields = ["username", "displayname", "role", "yeargroup", "class", "profile", "vulnerable"];

    public static PeopleReadResult Read(string path)
    {
        using var reader = new StreamReader(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(reader.ReadToEnd()) : ParseCsv(reader);
    }

    public static PeopleReadResult ParseCsv(TextReader reader)
    {
        var people = new List<Person>();
        var errors = new List<LineError>();
        int[]? map = null;
        foreach (CsvRow row in Csv.ReadRows(reader))
        {
            if (map is null)
            {
                map = [.. s_fields.Select(f => Array.FindIndex(row.Fields, h => Normalise(h) == f))];
                if (map[0] < 0)
                {
                    errors.Add(new LineError(row.Line, "the header row needs a 'username' column (and may have displayName, role, yearGroup, class, profile, vulnerable)"));
                    return new PeopleReadResult([], errors);
                }

                string[] unknown = [.. row.Fields.Where(h => !s_fields.Contains(Normalise(h)))];
                if (unknown.Length > 0)
                {
                    errors.Add(new LineError(row.Line, $"unknown column(s) ignored: {string.Join(", ", unknown)}"));
                }

                continue;
            }

            string? Field(int index) => map[index] >= 0 && map[index] < row.Fields.Length && row.Fields[map[index]].Trim() is { Length: > 0 } v ? v : null;
            Add(row.Line, Field(0), Field(1), Field(2), Field(3), Field(4), Field(5), Field(6), people, errors);
        }

        return new PeopleReadResult(people, errors);
    }

    public static PeopleReadResult ParseJson(string json)
    {
        var people = new List<Person>();
        var errors = new List<LineError>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            errors.Add(new LineError((int)(ex.LineNumber ?? 0) + 1, $"not valid JSON: {ex.Message}"));
            return new PeopleReadResult([], errors);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new LineError(1, "expected a JSON array of people"));
                return new PeopleReadResult([], errors);
            }

            int index = 0;
            foreach (JsonElement item in doc.RootElement.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new LineError(index, $"entry {index} is not an object"));
                    continue;
                }

                string? Field(string name)
                {
                    foreach (JsonProperty p in item.EnumerateObject())
                    {
                        if (Normalise(p.Name) == name)
                        {
                            return p.Value.ValueKind switch
                            {
                                JsonValueKind.String => p.Value.GetString() is { Length: > 0 } s ? s.Trim() : null,
                                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                                _ => null,
                            };
                        }
                    }

                    return null;
                }

                // JSON entries are numbered by position ("line" N = the Nth entry).
                Add(index, Field("username"), Field("displayname"), Field("role"), Field("yeargroup"), Field("class"), Field("profile"), Field("vulnerable"), people, errors);
            }
        }

        return new PeopleReadResult(people, errors);
    }

    private static void Add(int line, string? user, string? display, string? role, string? year, string? cls, string? profile, string? vulnerable,
        List<Person> people, List<LineError> errors)
    {
        if (user is null)
        {
            errors.Add(new LineError(line, "no username"));
            return;
        }

        if (user.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add(new LineError(line, "the username has spaces or control characters"));
            return;
        }

        PersonRole r = PersonRole.Pupil;
        if (role is not null)
        {
            switch (role.ToLowerInvariant())
            {
                case "pupil" or "student": r = PersonRole.Pupil; break;
                case "staff" or "teacher": r = PersonRole.Staff; break;
                case "guest" or "visitor": r = PersonRole.Guest; break;
                default:
                    errors.Add(new LineError(line, $"'{role}' is not a role (pupil, staff, guest)"));
                    return;
            }
        }

        bool v = false;
        if (vulnerable is not null)
        {
            switch (vulnerable.ToLowerInvariant())
            {
                case "true" or "yes" or "y" or "1": v = true; break;
                case "false" or "no" or "n" or "0": v = false; break;
                default:
                    errors.Add(new LineError(line, $"'{vulnerable}' is not true or false (vulnerable)"));
                    return;
            }
        }

        if (people.Any(p => p.UserName.Equals(user, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add(new LineError(line, "this username appears earlier in the file; the first entry is used"));
            return;
        }

        people.Add(new Person { UserName = user, DisplayName = display, Role = r, YearGroup = year, Class = cls, Profile = profile, Vulnerable = v });
    }

    private static string Normalise(string header) => header.Trim().Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
}
