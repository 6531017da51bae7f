using System.Collections.Frozen;

namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// Emoji used as code for drugs, sex and weapons (the ones police and child-safety guidance list: 🔌 a dealer, ❄️ cocaine,
/// 🍁 and 🌿 cannabis, 💊 pills, 🍆 and 🍑 sex, 💦, 🔪 and 🔫…) become words of their own: "emj" + what they show
/// ("emjplug", "emjsnow"). Alone they mean little ("🍁" on a Canadian page); the phrase lists and the model weigh them in
/// company ("🔌 ❄️ 💊 dm me"). Others are dropped as punctuation, as before.
/// </summary>
internal static class Emoji
{
    private static readonly FrozenDictionary<int, string> s_words = new Dictionary<int, string>
    {
        [0x1F50C] = "emjplug", [0x2744] = "emjsnow", [0x26C4] = "emjsnow", [0x1F341] = "emjleaf", [0x1F33F] = "emjherb",
        [0x1F343] = "emjleaf", [0x1F332] = "emjtree", [0x1F48A] = "emjpill", [0x1F489] = "emjneedle", [0x1F344] = "emjmushroom",
        [0x1F4A8] = "emjsmoke", [0x1F6AC] = "emjcigarette", [0x26FD] = "emjgas", [0x1F964] = "emjcup", [0x1F347] = "emjgrapes",
        [0x1F48E] = "emjdiamond", [0x1F680] = "emjrocket", [0x1F36B] = "emjchocolate", [0x1F36A] = "emjcookie",
        [0x1F34D] = "emjpineapple", [0x1F4B0] = "emjmoneybag", [0x1F4B8] = "emjmoney", [0x1F4B5] = "emjmoney",
        [0x1F346] = "emjeggplant", [0x1F351] = "emjpeach", [0x1F4A6] = "emjdroplets", [0x1F445] = "emjtongue",
        [0x1F51E] = "emjadult", [0x1F608] = "emjdevil", [0x1F975] = "emjhot", [0x1F352] = "emjcherries", [0x1F32E] = "emjtaco",
        [0x1F52A] = "emjknife", [0x1F5E1] = "emjdagger", [0x1F52B] = "emjgun", [0x1F4A3] = "emjbomb", [0x1F480] = "emjskull",
        [0x2620] = "emjskull", [0x1FA78] = "emjblood", [0x1FA92] = "emjrazor", [0x26B0] = "emjcoffin", [0x1FAA6] = "emjheadstone",
        [0x1F3B0] = "emjslots", [0x1F3B2] = "emjdice", [0x1F0CF] = "emjcards", [0x1F3C7] = "emjhorse",
    }.ToFrozenDictionary();

    /// <summary>The word for the emoji at <paramref name="index"/> (and how many chars it used), or null.</summary>
    public static string? Word(ReadOnlySpan<char> text, int index, out int used)
    {
        used = 1;
        char c = text[index];
        if (c < '\u2600')
        {
            return null; // most text: one comparison
        }

        int codePoint = c;
        if (char.IsHighSurrogate(c))
        {
            if (index + 1 >= text.Length || !char.IsLowSurrogate(text[index + 1]))
            {
                return null;
            }

            codePoint = char.ConvertToUtf32(c, text[index + 1]);
            used = 2;
        }

        if (!s_words.TryGetValue(codePoint, out string? word))
        {
            return null;
        }

        // A variation selector (U+FE0F) after it belongs to it.
        if (index + used < text.Length && text[index + used] == '\uFE0F')
        {
            used++;
        }

        return word;
    }
}
