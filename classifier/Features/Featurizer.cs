using System.Runtime.CompilerServices;

namespace FilterProxy.Classifier.Features;

/// <summary>Receives each feature occurrence: its row, whether it is a word n-gram, and where its text is.</summary>
public interface IFeatureVisitor
{
    void Feature(int row, bool word, int start, int length);
}

/// <summary>
/// Enumerates the hashed features of normalised text (tokens each followed by one space, as
/// <see cref="Normalisation.TextNormaliser"/> writes them). Rows 0..2^WordBits are word n-grams, the rest
/// character n-grams. Generic over a struct visitor, so the scoring loop is specialised and allocation-free.
/// </summary>
public static class Featurizer
{
    private const ulong Offset = 0xcbf29ce484222325UL;
    private const ulong Prime = 0x100000001B3UL;
    private const ulong Mix = 0x9E3779B97F4A7C15UL;

    public static void Visit<TVisitor>(FeatureSettings settings, ReadOnlySpan<char> text, ref TVisitor visitor)
        where TVisitor : struct, IFeatureVisitor
    {
        VisitWords(settings, text, ref visitor);
        VisitChars(settings, text, ref visitor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(ulong hash, int bits) => (int)((hash * Mix) >> (64 - bits));

    private static void VisitWords<TVisitor>(FeatureSettings settings, ReadOnlySpan<char> text, ref TVisitor visitor)
        where TVisitor : struct, IFeatureVisitor
    {
        int bits = settings.WordBits;
        int n = settings.WordNgrams;
        Span<ulong> previous = stackalloc ulong[3];
        Span<int> starts = stackalloc int[3];
        int seen = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            ulong hash = Offset;
            while (i < text.Length && text[i] != ' ')
            {
                hash = (hash ^ text[i]) * Prime;
                i++;
            }

            int end = i;
            i++;
            if (end == start)
            {
                continue;
            }

            visitor.Feature(Slot(hash, bits), true, start, end - start);
            ulong combined = hash;
            for (int k = 1; k < n && k <= seen; k++)
            {
                combined = (previous[k - 1] * Prime) ^ (combined + (ulong)k);
                visitor.Feature(Slot(combined, bits), true, starts[k - 1], end - starts[k - 1]);
            }

            for (int k = n - 1; k > 0; k--)
            {
                previous[k] = previous[k - 1];
                starts[k] = starts[k - 1];
            }

            previous[0] = hash;
            starts[0] = start;
            seen++;
        }
    }

    private static void VisitChars<TVisitor>(FeatureSettings settings, ReadOnlySpan<char> text, ref TVisitor visitor)
        where TVisitor : struct, IFeatureVisitor
    {
        int bits = settings.CharBits;
        int offset = settings.WordSlots;
        int min = settings.CharMin;
        int max = settings.CharMax;

        // The text is read as " " + text (which ends with a space), so every word has a boundary on both sides.
        int length = text.Length + 1;
        for (int i = 0; i + min <= length; i++)
        {
            ulong hash = Offset;
            for (int k = 0; k < max && i + k < length; k++)
            {
                int at = i + k;
                char c = at == 0 ? ' ' : text[at - 1];
                hash = (hash ^ c) * Prime;
                if (k + 1 >= min)
                {
                    int start = Math.Max(0, i - 1);
                    visitor.Feature(offset + Slot(hash, bits), false, start, i + k - start);
                }
            }
        }
    }
}
