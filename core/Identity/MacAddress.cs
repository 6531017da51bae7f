namespace FilterProxy.Core.Identity;

/// <summary>MAC addresses in one form: six lower-case hex pairs joined by ':' (accepts '-', '.', no separators).</summary>
public static class MacAddress
{
    public static bool TryNormalise(string? text, out string mac)
    {
        mac = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        Span<char> hex = stackalloc char[12];
        int n = 0;
        foreach (char ch in text.Trim())
        {
            if (ch is ':' or '-' or '.')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(ch) || n == 12)
            {
                return false;
            }

            hex[n++] = char.ToLowerInvariant(ch);
        }

        if (n != 12)
        {
            return false;
        }

        mac = string.Create(17, hex.ToArray(), static (dest, h) =>
        {
            for (int i = 0, j = 0; i < 12; i += 2)
            {
                if (i > 0)
                {
                    dest[j++] = ':';
                }

                dest[j++] = h[i];
                dest[j++] = h[i + 1];
            }
        });
        return true;
    }
}
