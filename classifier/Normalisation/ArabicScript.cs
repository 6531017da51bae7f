namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// The usual normalisation of Arabic-script text, so the same word typed on different keyboards or with or without its
/// marks reads the same (Arabic, Urdu, Punjabi in Shahmukhi, Persian): alef with hamza or madda → alef; teh marbuta →
/// heh; alef maksura, Farsi and Urdu yeh → yeh; Urdu keheh → kaf; heh goal and heh doachashmee → heh; harakat (short vowel
/// marks), shadda, sukun, superscript alef and tatweel dropped. One comparison for any character outside the block.
/// </summary>
internal static class ArabicScript
{
    /// <summary>What a character of the Arabic block becomes: itself, another letter, or '\0' to drop it.</summary>
    public static char Fold(char c) => c switch
    {
        '\u0622' or '\u0623' or '\u0625' or '\u0671' => '\u0627', // آ أ إ ٱ → ا
        '\u0629' => '\u0647',                                     // ة → ه
        '\u0649' or '\u06CC' or '\u06D2' => '\u064A',             // ى ی ے → ي
        '\u06A9' => '\u0643',                                     // ک → ك
        '\u06C1' or '\u06BE' or '\u06C3' => '\u0647',             // ہ ھ ۃ → ه
        '\u0640' => '\0',                                         // tatweel
        >= '\u064B' and <= '\u065F' => '\0',                      // harakat, shadda, sukun, hamza marks
        '\u0670' => '\0',                                         // superscript alef
        _ => c,
    };

    public static bool InBlock(char c) => c is >= '\u0600' and <= '\u06FF';
}
