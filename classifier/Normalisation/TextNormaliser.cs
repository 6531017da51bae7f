using System.Buffers;

namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// Turns text into the form the model and the phrase lists read: lower-case tokens of letters and digits, one
/// space after each. In order: NFKC, invisible characters dropped, accents stripped and lower case (one lookup
/// in the <see cref="FoldTable"/>); Cyrillic/Greek look-alikes folded to Latin inside mixed-script tokens only
/// (<see cref="Confusables"/>); leetspeak mapped inside tokens that contain a letter (p0rn, $ex, k!ll); runs of
/// three or more repeated letters squeezed to two; spaced-out letters re-joined ("k i l l", "s.e.x"). Works in
/// caller-supplied buffers, so a page costs no allocation.
/// </summary>
public sealed class TextNormaliser(FoldTable fold)
{
    public static TextNormaliser Default { get; } = new(FoldTable.Shipped);

    /// <summary>
    /// The same, with each re-joined run of spaced letters marked by <see cref="Vocabulary.JoinedMark"/> for a
    /// <see cref="Vocabulary"/> to split ("k i l l m e" re-joins as one token, "killme", which it reads as "kill me").
    /// Only for text a vocabulary reads next: the mark is not a letter and nothing else expects it.
    /// </summary>
    public static TextNormaliser MarkingJoined { get; } = new(FoldTable.Shipped) { MarkJoined = true };

    public bool MarkJoined { get; init; }

    private static readonly char[] s_asciiLower = [.. Enumerable.Range(0, 128).Select(static c => char.ToLowerInvariant((char)c))];

    /// <summary>Normalises <paramref name="text"/> into a rented buffer (return it with <see cref="Return"/>).</summary>
    public (char[] Buffer, int Length) NormalisePooled(ReadOnlySpan<char> text)
    {
        char[] folded = ArrayPool<char>.Shared.Rent((text.Length * 2) + 16);
        try
        {
            int foldedLength = Fold(text, ref folded);
            // Room for text-speak read as words: "wyd " (4) is "what are you doing " (19).
            char[] output = ArrayPool<char>.Shared.Rent((foldedLength * 5) + 16);
            int length = Tokenise(folded.AsSpan(0, foldedLength), output, MarkJoined);
            return (output, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(folded);
        }
    }

    public static void Return(char[] buffer) => ArrayPool<char>.Shared.Return(buffer);

    public string Normalise(ReadOnlySpan<char> text)
    {
        (char[] buffer, int length) = NormalisePooled(text);
        try
        {
            return new string(buffer, 0, length).TrimEnd();
        }
        finally
        {
            Return(buffer);
        }
    }

    /// <summary>Step 1: the fold table, one lookup per character (surrogate pairs decoded).</summary>
    internal int Fold(ReadOnlySpan<char> text, ref char[] buffer)
    {
        int w = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 128)
            {
                // Most page text: ASCII folds to itself or to its lower case, one table read.
                if (w == buffer.Length)
                {
                    Ensure(ref buffer, w + 1);
                }

                buffer[w++] = s_asciiLower[c];
                continue;
            }

            string? folded;
            if (Emoji.Word(text, i, out int used) is { } emoji)
            {
                // Emoji that stand for drugs, sex, weapons: a word of their own ("emjplug"), between spaces.
                Ensure(ref buffer, w + emoji.Length + 2);
                buffer[w++] = ' ';
                emoji.CopyTo(buffer.AsSpan(w));
                w += emoji.Length;
                buffer[w++] = ' ';
                i += used - 1;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                folded = fold.Lookup(char.ConvertToUtf32(c, text[i + 1]));
                if (folded is null)
                {
                    Ensure(ref buffer, w + 2);
                    buffer[w++] = c;
                    buffer[w++] = text[i + 1];
                    i++;
                    continue;
                }

                i++;
            }
            else if (ArabicScript.InBlock(c))
            {
                char arabic = ArabicScript.Fold(c);
                if (arabic != '\0')
                {
                    Ensure(ref buffer, w + 1);
                    buffer[w++] = arabic;
                }

                continue;
            }
            else
            {
                folded = fold.Bmp(c);
                if (folded is null)
                {
                    Ensure(ref buffer, w + 1);
                    buffer[w++] = c;
                    continue;
                }
            }

            Ensure(ref buffer, w + folded.Length);
            folded.CopyTo(buffer.AsSpan(w));
            w += folded.Length;
        }

        return w;
    }

    private static void Ensure(ref char[] buffer, int length)
    {
        if (length > buffer.Length)
        {
            char[] bigger = ArrayPool<char>.Shared.Rent(length * 2);
            buffer.CopyTo(bigger, 0);
            ArrayPool<char>.Shared.Return(buffer);
            buffer = bigger;
        }
    }

    private enum Kind : byte
    {
        Separator,
        Letter,
        Digit,
        Symbol,
    }

    private static Kind KindOf(char c) => c switch
    {
        >= 'a' and <= 'z' => Kind.Letter,
        >= '0' and <= '9' => Kind.Digit,
        '@' or '$' or '!' or '|' or '+' => Kind.Symbol,
        < '\u00C0' => Kind.Separator,
        _ when char.IsSurrogate(c) => Kind.Letter,
        _ => char.IsLetter(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark ? Kind.Letter : char.IsDigit(c) ? Kind.Digit : Kind.Separator,
    };

    /// <summary>What a digit or symbol stands for inside a word, or '\0'.</summary>
    internal static char Leet(char c) => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        '@' => 'a',
        '$' => 's',
        '!' => 'i',
        '|' => 'l',
        '+' => 't',
        _ => '\0',
    };

    /// <summary>Chinese and Japanese characters: no spaces mark their words, so each character is a token of its own.</summary>
    internal static bool IsCjk(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF');

    /// <summary>
    /// Steps 2–5 over folded text: tokens (each CJK character one), text-speak read as words (<see cref="TextSpeak"/>),
    /// look-alikes, leetspeak, squeezing, spaced letters.
    /// </summary>
    internal static int Tokenise(ReadOnlySpan<char> s, Span<char> output, bool markJoined = false)
    {
        int w = 0;
        int runStart = -1;
        int runCount = 0;
        int runLetters = 0;
        int i = 0;
        bool previousWord = false; // the last token was a word of two or more letters ("want 2 die")
        bool previousNumber = false; // the last token was a number ("50 kms" is kilometres)
        while (i < s.Length)
        {
            if (KindOf(s[i]) == Kind.Separator)
            {
                i++;
                continue;
            }

            if (IsCjk(s[i]))
            {
                w = JoinRun(output, runStart, runCount, runLetters, w, w, markJoined);
                runCount = 0;
                runLetters = 0;
                output[w++] = s[i++];
                output[w++] = ' ';
                previousWord = false;
                previousNumber = false;
                continue;
            }

            int start = i;
            bool hasLetter = false;
            bool hasLatin = false;
            bool hasLookAlike = false;
            while (i < s.Length)
            {
                char c = s[i];
                Kind kind = KindOf(c);
                if (IsCjk(c))
                {
                    break;
                }

                if (kind == Kind.Separator)
                {
                    // An apostrophe inside a word is dropped ("don't" is "dont").
                    if (c is '\'' or '\u2019' && i > start && i + 1 < s.Length && KindOf(s[i + 1]) == Kind.Letter && KindOf(s[i - 1]) == Kind.Letter)
                    {
                        i++;
                        continue;
                    }

                    break;
                }

                if (kind == Kind.Letter)
                {
                    hasLetter = true;
                    hasLatin |= Confusables.IsLatin(c);
                    hasLookAlike |= Confusables.IsLookAlikeScript(c);
                }

                i++;
            }

            if (!previousNumber && SpokenAs(s, start, i, previousWord, runCount) is { } words)
            {
                w = JoinRun(output, runStart, runCount, runLetters, w, w, markJoined);
                runCount = 0;
                runLetters = 0;
                words.CopyTo(output[w..]);
                w += words.Length;
                output[w++] = ' ';
                previousWord = true;
                previousNumber = false;
                continue;
            }

            int tokenStart = w;
            w = WriteToken(s[start..i], output, w, hasLetter, hasLatin && hasLookAlike);
            if (w == tokenStart)
            {
                continue;
            }

            int length = w - tokenStart;
            output[w++] = ' ';
            previousWord = length >= 2 && hasLetter;
            previousNumber = !hasLetter;
            bool single = length == 1 && (KindOf(output[tokenStart]) == Kind.Letter || Leet(output[tokenStart]) != '\0');
            if (single)
            {
                if (runCount == 0)
                {
                    runStart = tokenStart;
                }

                runCount++;
                runLetters += KindOf(output[tokenStart]) == Kind.Letter ? 1 : 0;
            }
            else
            {
                w = JoinRun(output, runStart, runCount, runLetters, tokenStart, w, markJoined);
                runCount = 0;
                runLetters = 0;
            }
        }

        return JoinRun(output, runStart, runCount, runLetters, w, w, markJoined);
    }

    /// <summary>
    /// The words a raw token stands for (<see cref="TextSpeak"/>), or null: read before leetspeak, so "gr8" is "great".
    /// A lone "u" or "r" only when neither neighbour is a single character (else it may be part of "f u c k"); a lone
    /// "2" or "4" only between two words.
    /// </summary>
    private static string? SpokenAs(ReadOnlySpan<char> s, int start, int end, bool previousWord, int singlesBefore)
    {
        int length = end - start;
        if (length > TextSpeak.MaxKeyLength)
        {
            return null;
        }

        if (length > 1)
        {
            return TextSpeak.Expand(s[start..end]);
        }

        char c = s[start];
        if (TextSpeak.IsSingleLetterWord(c))
        {
            // Part of a run of three or more single characters: a spaced-out word ("f u c k"), not "u".
            return singlesBefore + 1 + SinglesAfter(s, end) < 3 ? TextSpeak.Expand(s[start..end]) : null;
        }

        return previousWord && TextSpeak.DigitWord(c) is { } digit && NextTokenLength(s, end) >= 2 && NextTokenHasLetter(s, end) ? digit : null;
    }

    /// <summary>How many single-character tokens follow position <paramref name="from"/> (counting up to three).</summary>
    private static int SinglesAfter(ReadOnlySpan<char> s, int from)
    {
        int count = 0;
        int i = from;
        while (count < 3)
        {
            while (i < s.Length && KindOf(s[i]) == Kind.Separator)
            {
                i++;
            }

            int start = i;
            while (i < s.Length && KindOf(s[i]) != Kind.Separator && !IsCjk(s[i]))
            {
                i++;
            }

            if (i - start != 1)
            {
                return count;
            }

            count++;
        }

        return count;
    }

    /// <summary>The length of the token after position <paramref name="from"/> (0 at the end).</summary>
    private static int NextTokenLength(ReadOnlySpan<char> s, int from)
    {
        int i = from;
        while (i < s.Length && KindOf(s[i]) == Kind.Separator)
        {
            i++;
        }

        int start = i;
        while (i < s.Length && KindOf(s[i]) != Kind.Separator && !IsCjk(s[i]))
        {
            i++;
        }

        return i - start;
    }

    private static bool NextTokenHasLetter(ReadOnlySpan<char> s, int from)
    {
        int i = from;
        while (i < s.Length && KindOf(s[i]) == Kind.Separator)
        {
            i++;
        }

        for (; i < s.Length && KindOf(s[i]) != Kind.Separator; i++)
        {
            if (KindOf(s[i]) == Kind.Letter)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Re-joins a run of at least three single-character tokens with at least two letters ("k i l l " → "kill ")
    /// that ends at <paramref name="runEnd"/>; the text after it (up to <paramref name="w"/>) moves up.
    /// </summary>
    private static int JoinRun(Span<char> output, int runStart, int runCount, int runLetters, int runEnd, int w, bool markJoined)
    {
        if (runCount < 3 || runLetters < 2)
        {
            return w;
        }

        int r = runStart;
        char first = output[runStart];
        if (markJoined)
        {
            output[r++] = Vocabulary.JoinedMark; // the run took two characters a letter: there is room
        }

        for (int k = runStart; k < runEnd; k += 2)
        {
            char c = k == runStart ? first : output[k]; // each letter is read before anything is written over it
            char leet = Leet(c);
            output[r++] = leet != '\0' ? leet : c;
        }

        output[r++] = ' ';
        int tail = w - runEnd;
        output.Slice(runEnd, tail).CopyTo(output[r..]);
        return r + tail;
    }

    private static int WriteToken(ReadOnlySpan<char> token, Span<char> output, int w, bool hasLetter, bool mixedScript)
    {
        int start = w;
        for (int k = 0; k < token.Length; k++)
        {
            char c = token[k];
            Kind kind = KindOf(c);
            if (kind == Kind.Separator)
            {
                continue;
            }

            if (!hasLetter)
            {
                if (kind == Kind.Digit)
                {
                    output[w++] = c;
                }

                continue;
            }

            if (kind == Kind.Symbol)
            {
                // "kill!" and "+1": punctuation at a word's edge is not a letter; "$ex" and "a$$" are.
                bool edge = k == 0 || k == token.Length - 1;
                if (edge && c is '!' or '+' or '|')
                {
                    continue;
                }

                c = Leet(c);
            }
            else if (kind == Kind.Digit)
            {
                char leet = Leet(c);
                c = leet != '\0' ? leet : c;
            }
            else if (mixedScript)
            {
                c = Confusables.Fold(c);
            }

            // Squeeze runs of three or more of the same letter to two ("sooooo" → "soo").
            if (w - start >= 2 && output[w - 1] == c && output[w - 2] == c && char.IsLetter(c))
            {
                continue;
            }

            output[w++] = c;
        }

        return w;
    }
}
