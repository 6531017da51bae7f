using System.Globalization;
using System.Text;

namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// Builds the folding table from ICU: for every code point, NFKC, then lower case, then Latin, Greek and Cyrillic
/// letters without their accents; invisible format characters map to nothing. Run once
/// (<c>classifier fold-table --out classifier/Normalisation/fold-table.bin</c>) and shipped, because a table lookup is
/// far faster than <see cref="string.Normalize(NormalizationForm)"/> and does not depend on the machine's ICU.
/// A test checks the shipped table still agrees with ICU.
/// </summary>
public static class FoldTableBuilder
{
    public static SortedDictionary<int, string> Build(int lastCodePoint = 0x10FFFF)
    {
        var map = new SortedDictionary<int, string>();
        for (int cp = 0; cp <= lastCodePoint; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            string s = char.ConvertFromUtf32(cp);
            string folded = Fold(cp, s);
            if (!string.Equals(folded, s, StringComparison.Ordinal))
            {
                map[cp] = folded;
            }
        }

        return map;
    }

    /// <summary>The table's answer for one code point, from ICU.</summary>
    public static string Fold(int cp, string s)
    {
        UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(cp);
        if (IsInvisible(cp, category) || IsCombiningAccent(cp))
        {
            return "";
        }

        if (category is UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Control)
        {
            return s;
        }

        string k = s.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        string d = k.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(d.Length);
        bool accentable = false;
        foreach (Rune r in d.EnumerateRunes())
        {
            UnicodeCategory rc = Rune.GetUnicodeCategory(r);
            if (rc == UnicodeCategory.NonSpacingMark && accentable)
            {
                continue;
            }

            if (rc != UnicodeCategory.NonSpacingMark)
            {
                accentable = IsAccentableScript(r.Value);
            }

            if (!IsInvisible(r.Value, rc))
            {
                kept.Append(r.ToString());
            }
        }

        string folded = kept.ToString().Normalize(NormalizationForm.FormC);
        return folded.Length > 18 ? s : folded;
    }

    /// <summary>Latin, Greek and Cyrillic letters lose their accents; other scripts keep their marks (they carry meaning).</summary>
    private static bool IsAccentableScript(int cp) => cp is < 0x0530 or (>= 0x1E00 and < 0x2000);

    private static bool IsCombiningAccent(int cp) =>
        cp is (>= 0x0300 and <= 0x036F) or (>= 0x1AB0 and <= 0x1AFF) or (>= 0x1DC0 and <= 0x1DFF) or (>= 0x20D0 and <= 0x20FF) or (>= 0xFE20 and <= 0xFE2F);

    /// <summary>Zero-width and other invisible characters used to split words without showing it.</summary>
    private static bool IsInvisible(int cp, UnicodeCategory category) =>
        category == UnicodeCategory.Format
        || cp is 0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 or 0x180E
        || cp is (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    /// <summary>Writes the table: "FPFT", entry count, then per entry the code point, its length in UTF-16 units and the units.</summary>
    public static void Write(SortedDictionary<int, string> map, Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write("FPFT"u8);
        w.Write(map.Count);
        foreach ((int cp, string folded) in map)
        {
            w.Write(cp);
            w.Write((byte)folded.Length);
            foreach (char c in folded)
            {
                w.Write((ushort)c);
            }
        }
    }
}
