using System.Text;
using System.Text.Json;

namespace FilterProxy.Classifier.Extraction;

/// <summary>The string values of a JSON document (what an API shows a reader); a truncated document yields what was read.</summary>
internal static class JsonText
{
    public static string Strings(string json)
    {
        var sb = new StringBuilder();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    sb.Append(reader.GetString()).Append(' ');
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all, or cut at the scan limit: keep what was read, and fall back to the raw text if nothing was.
            if (sb.Length == 0)
            {
                return json;
            }
        }

        return sb.ToString();
    }
}
