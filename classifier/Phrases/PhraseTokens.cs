namespace FilterProxy.Classifier.Phrases;

/// <summary>
/// Splits text into lower-case words (letters and digits; an apostrophe inside a word is dropped, so "don't" is
/// "dont") and hashes them (FNV-1a), so phrase matching compares 64-bit keys instead of strings.
/// </summary>
internal static class PhraseTokens
{
    public const int MaxWords = 6;

    /// <summary>For ASCII: the lower-case letter or digit, or 0 for a separator (most page text is ASCII).</summary>
    private static readonly byte[] s_asciiWord = BuildAsciiTable();

    public static int Count(string text) => Hashes(text, new ulong[(text.Length / 2) + 1]);

    public static ulong PhraseKey(string phrase)
    {
        ulong[] words = new ulong[(phrase.Length / 2) + 1];
        int count = Hashes(phrase, words);
        ulong key = 0;
        for (int i = 0; i < count; i++)
        {
            key = Combine(key, words[i], i);
        }

        return key;
    }

    /// <summary>Extends the key of a phrase's first <paramref name="index"/> words with the next word.</summary>
    public static ulong Combine(ulong key, ulong wordHash, int index) => index == 0 ? wordHash : (key * 0x100000001B3UL) ^ wordHash ^ (ulong)index;

    private static byte[] BuildAsciiTable()
    {
        byte[] table = new byte[128];
        for (int c = 0; c < 128; c++)
        {
            table[c] = char.IsAsciiLetterOrDigit((char)c) ? (byte)char.ToLowerInvariant((char)c) : (byte)0;
        }

        return table;
    }

    /// <summary>
    /// Letters, digits and combining marks: Bengali, Punjabi and Hindi write vowels and the virama as marks inside a word
    /// (as the normaliser reads them), so a mark never splits a word.
    /// </summary>
    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c)
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    /// <summary>Writes the hash of each word to <paramref name="destination"/> (at least text.Length / 2 + 1 long); returns the count.</summary>
    public static int Hashes(ReadOnlySpan<char> text, Span<ulong> destination)
    {
        int count = 0;
        ulong hash = 0;
        bool inWord = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            char lower = c < 128 ? (char)s_asciiWord[c] : IsWordChar(c) ? char.ToLowerInvariant(c) : '\0';
            if (lower != '\0')
            {
                if (!inWord)
                {
                    inWord = true;
                    hash = 0xcbf29ce484222325UL;
                }

                hash = (hash ^ lower) * 0x100000001B3UL;
            }
            else if (inWord && !(c is '\'' or '’' && i + 1 < text.Length && char.IsLetter(text[i + 1])))
            {
                destination[count++] = hash;
                inWord = false;
            }
        }

        if (inWord)
        {
            destination[count++] = hash;
        }

        return count;
    }
}
