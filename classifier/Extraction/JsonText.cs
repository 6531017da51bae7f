using System.Text.Json;

namespace FilterProxy.Classifier.Extraction;

/// <summary>The string values of a JSON document (what an API shows a reader); a truncated document yields what was read.</summary>
internal static class JsonText
{
    /// <summary>Writes the string values, space-separated, into <paramref name="destination"/> (at least as long as the UTF-8 input); returns the length.</summary>
    public static int StringsInto(ReadOnlySpan<byte> json, char[] destination)
    {
        int written = 0;
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    written += reader.CopyString(destination.AsSpan(written));
                    destination[written++] = ' ';
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all, or cut at the scan limit: keep what was read, and fall back to the raw text if nothing was.
            if (written == 0)
            {
                return System.Text.Encoding.UTF8.GetChars(json, destination);
            }
        }

        return written;
    }
}
