namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// The words a content model was trained on, used after normalisation to read a slipped word as the word it slips
/// from: an unknown word one slip away from a known one becomes that word — a doubled or stretched letter
/// ("kiill", "pornn" → "kill", "porn"; normalisation has already squeezed "kiiiiill" to "kiill"), two neighbouring
/// letters swapped ("klil" → "kill"), or a letter left out ("sucide" → "suicide"). Known words are never changed, nor
/// words shorter than <see cref="MinLength"/> (too many short words are one slip from another). When two known words
/// fit, the more frequent in training wins. Deliberately narrow: it never swaps one letter for another ("grape" stays
/// "grape"), which is where a reader would turn ordinary words into worrying ones. A run of spaced letters that
/// normalisation re-joined (marked with <see cref="JoinedMark"/>) and that is not a word is split into known words:
/// spaced words next to each other re-join as one ("k i l l m y s e l f" → "killmyself" → "kill myself"). Only
/// those runs are split — an ordinary unknown word never is ("therapists" is not read as two words).
/// </summary>
public sealed class Vocabulary
{
    public const int MinLength = 3;
    public const int MaxLength = 24;

    /// <summary>Marks a run of spaced letters re-joined by <see cref="TextNormaliser.MarkingJoined"/>.</summary>
    public const char JoinedMark = '\u0001';

    /// <summary>The longest re-joined run that is split into words.</summary>
    public const int MaxJoined = 64;

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _known;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _dropped;

    /// <param name="words">Most frequent first (the order decides between two words a slip could come from).</param>
    public Vocabulary(IEnumerable<string> words)
    {
        Words = [.. words.Where(static w => w.Length is >= MinLength and <= MaxLength)];
        var known = new HashSet<string>(Words, StringComparer.Ordinal);
        // Each known word with one letter left out → the (most frequent) word: "sucide" finds "suicide" in one lookup.
        var dropped = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string word in Words)
        {
            for (int i = 0; i < word.Length && word.Length > MinLength; i++)
            {
                if (i > 0 && word[i] == word[i - 1])
                {
                    continue; // "kill" without either l is the same "kil"
                }

                string without = string.Concat(word.AsSpan(0, i), word.AsSpan(i + 1));
                if (!known.Contains(without))
                {
                    dropped.TryAdd(without, word);
                }
            }
        }

        _known = known.GetAlternateLookup<ReadOnlySpan<char>>();
        _dropped = dropped.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<string> Words { get; }

    public int Count => Words.Count;

    /// <summary>
    /// The same vocabulary with a school's phrase words added at the end (least frequent): they are never "corrected"
    /// away, and a slip of one is read as it. Built once per classifier, when the policy loads.
    /// </summary>
    public Vocabulary WithKnown(IEnumerable<string> more) => new([.. Words, .. more.Where(w => !_known.Contains(w))]);

    /// <summary>
    /// Reads normalised text (a rented buffer, returned to the pool here) through the vocabulary up to about
    /// <paramref name="upTo"/> characters (cut after a word); the rest is copied with only the joined marks dropped.
    /// Answers a new rented buffer (return it with <see cref="TextNormaliser.Return"/>).
    /// </summary>
    public (char[] Buffer, int Length) ReadPooled(char[] normalised, int length, int upTo = int.MaxValue) =>
        ReadPooled(normalised, length, upTo, out _, out _);

    /// <summary>As <see cref="ReadPooled(char[], int, int)"/>, counting the words read and how many of them are known.</summary>
    public (char[] Buffer, int Length) ReadPooled(char[] normalised, int length, int upTo, out int words, out int known)
    {
        ReadOnlySpan<char> source = normalised.AsSpan(0, length);
        int prefix = length <= upTo ? length : source[..upTo].LastIndexOf(' ') + 1;
        char[] read = System.Buffers.ArrayPool<char>.Shared.Rent(OutputLength(length));
        int written = Correct(source[..prefix], read, out words, out known);
        foreach (char c in source[prefix..])
        {
            if (c != JoinedMark)
            {
                read[written++] = c;
            }
        }

        TextNormaliser.Return(normalised);
        return (read, written);
    }

    public bool IsKnown(ReadOnlySpan<char> word) => _known.Contains(word);

    /// <summary>The room <see cref="Correct(ReadOnlySpan{char}, Span{char})"/> needs: a correction adds at most one letter to a word of three or more.</summary>
    public static int OutputLength(int length) => length + (length / 2) + 1;

    /// <summary>
    /// Copies normalised text into <paramref name="output"/> (at least <see cref="OutputLength"/> long) with slipped
    /// words read as the known words; answers the length written. No allocation.
    /// </summary>
    public int Correct(ReadOnlySpan<char> text, Span<char> output) => Correct(text, output, out _, out _);

    /// <summary>As <see cref="Correct(ReadOnlySpan{char}, Span{char})"/>, counting words and known words (after reading slips).</summary>
    public int Correct(ReadOnlySpan<char> text, Span<char> output, out int words, out int known)
    {
        words = 0;
        known = 0;
        Span<char> candidate = stackalloc char[MaxLength + 1];
        Span<short> splits = stackalloc short[(MaxJoined + 1) * 2];
        int w = 0;
        int i = 0;
        bool joined = false;
        while (i < text.Length)
        {
            if (text[i] == JoinedMark)
            {
                joined = true;
                i++;
                continue;
            }

            if (!IsWordChar(text[i]))
            {
                output[w++] = text[i++];
                continue;
            }

            int start = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }

            ReadOnlySpan<char> word = text[start..i];
            words++;
            if (!IsLatin(word))
            {
                known += _known.Contains(word) ? 1 : 0;
                // Slips are read for Latin letters only: in Arabic, Bengali or Chinese one letter more or less is often
                // another word ("حالة", weather's "state", is not "حثالة", "scum").
                word.CopyTo(output[w..]);
                w += word.Length;
                joined = false;
                continue;
            }

            if (joined && word.Length is >= MinLength * 2 and <= MaxJoined && !_known.Contains(word) && Split(word, splits, output[w..]) is > 0 and int written)
            {
                w += written;
                known++;
            }
            else
            {
                bool isKnown = word.Length < MinLength || _known.Contains(word);
                ReadOnlySpan<char> read = isKnown || word.Length > MaxLength ? word : Fix(word, candidate);
                known += isKnown || read != word ? 1 : 0;
                read.CopyTo(output[w..]);
                w += read.Length;
            }

            joined = false;
        }

        return w;
    }

    /// <summary>A run of letters read as known words ("freecasinobonus" → "free casino bonus"), or null when it cannot be.</summary>
    public string? SplitIntoKnown(ReadOnlySpan<char> word)
    {
        if (word.Length is < MinLength * 2 or > MaxJoined || _known.Contains(word))
        {
            return null;
        }

        Span<short> splits = stackalloc short[(MaxJoined + 1) * 2];
        Span<char> output = stackalloc char[MaxJoined * 2];
        int written = Split(word, splits, output);
        return written > 0 ? new string(output[..written]) : null;
    }

    /// <summary>Lower-case a–z only (MemoryExtensions.ContainsAnyExceptInRange allocates on every call here).</summary>
    private static bool IsLatin(ReadOnlySpan<char> word)
    {
        foreach (char c in word)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWordChar(char c) => char.IsLetter(c)
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    /// <summary>
    /// Splits a re-joined run into the fewest known words (each at least <see cref="MinLength"/> letters), written
    /// with spaces between; 0 when it cannot be split wholly into known words.
    /// </summary>
    private int Split(ReadOnlySpan<char> word, Span<short> splits, Span<char> output)
    {
        // pieces[i]: fewest words covering word[..i] (0 = none yet); from[i]: where the last of them starts.
        Span<short> pieces = splits[..(word.Length + 1)];
        Span<short> from = splits[(MaxJoined + 1)..][..(word.Length + 1)];
        pieces.Clear();
        for (int end = MinLength; end <= word.Length; end++)
        {
            for (int start = end - MinLength; start >= 0 && end - start <= MaxLength; start--)
            {
                if ((start == 0 || pieces[start] > 0) && (pieces[end] == 0 || pieces[start] + 1 < pieces[end]) && _known.Contains(word[start..end]))
                {
                    pieces[end] = (short)(pieces[start] + 1);
                    from[end] = (short)start;
                }
            }
        }

        int count = pieces[word.Length];
        if (count < 2)
        {
            return 0;
        }

        int length = word.Length + count - 1;
        for (int end = word.Length, w = length; end > 0; end = from[end])
        {
            int start = from[end];
            w -= end - start;
            word[start..end].CopyTo(output[w..]);
            if (w > 0)
            {
                output[--w] = ' ';
            }
        }

        return length;
    }

    private ReadOnlySpan<char> Fix(ReadOnlySpan<char> word, Span<char> candidate)
    {
        // A letter typed twice, or what is left of a stretched one: drop one of the pair.
        for (int k = 1; k < word.Length; k++)
        {
            if (word[k] == word[k - 1] && word.Length - 1 >= MinLength)
            {
                word[..k].CopyTo(candidate);
                word[(k + 1)..].CopyTo(candidate[k..]);
                if (_known.TryGetValue(candidate[..(word.Length - 1)], out string? known))
                {
                    return known;
                }
            }
        }

        // Two neighbouring letters swapped.
        word.CopyTo(candidate);
        for (int k = 0; k + 1 < word.Length; k++)
        {
            if (word[k] != word[k + 1])
            {
                (candidate[k], candidate[k + 1]) = (word[k + 1], word[k]);
                if (_known.TryGetValue(candidate[..word.Length], out string? known))
                {
                    return known;
                }

                (candidate[k], candidate[k + 1]) = (word[k], word[k + 1]);
            }
        }

        // A letter left out.
        return _dropped.TryGetValue(word, out string? full) ? full : word;
    }
}
