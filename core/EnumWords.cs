namespace FilterProxy.Core;

/// <summary>
/// Reads an enum value the way people write it in configuration files, lists and command lines: its name, any
/// case, hyphens allowed ("self-harm", "Acknowledged"); never a number (Enum.TryParse would take "7").
/// </summary>
public static class EnumWords
{
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        if (text is not null && !int.TryParse(text, out _)
            && Enum.TryParse(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The names, lower-case, for messages: "info, low, medium, high, critical".</summary>
    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(static n => n.ToLowerInvariant()));
}
