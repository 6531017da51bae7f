namespace FilterProxy.Classifier.Training;

/// <summary>A hash that never changes between runs or machines (string.GetHashCode does), for held-out splits.</summary>
internal static class StableHash
{
    public static ulong Of(string text)
    {
        ulong hash = 0xcbf29ce484222325UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        return hash;
    }

    /// <summary>True for about <paramref name="percent"/>% of texts, always the same ones.</summary>
    public static bool InShare(string text, int percent) => Of(text) % 100 < (ulong)percent;
}
