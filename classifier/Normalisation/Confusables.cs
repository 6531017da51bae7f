namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// Lower-case Cyrillic, Greek and Armenian letters that look like Latin ones (a subset of Unicode TR39's
/// confusables.txt, after folding to lower case). Applied only inside tokens that mix them with Latin letters
/// ("рorn" with a Cyrillic р), so real Russian or Greek text is never touched.
/// </summary>
internal static class Confusables
{
    private const string Pairs =
        // Cyrillic
        "аaвbеeкkмmнhоoрpсcтtуyхxѕsіiјjԁdԛqԝwьbһhӏlɡgԍgүyѵvґrѡwаa" +
        // Greek
        "αaβbεeηnιiκkνvοoρpτtυuχxωwγyμuϲcϳjζz" +
        // Armenian
        "ոnսuօoհhցgզqաw";

    private static readonly Dictionary<char, char> s_map = Build();

    private static Dictionary<char, char> Build()
    {
        var map = new Dictionary<char, char>();
        for (int i = 0; i + 1 < Pairs.Length; i += 2)
        {
            map[Pairs[i]] = Pairs[i + 1];
        }

        return map;
    }

    /// <summary>True for a letter of a script whose letters can pass for Latin.</summary>
    public static bool IsLookAlikeScript(char c) => c is >= '\u0370' and < '\u0590';

    public static bool IsLatin(char c) => c is (>= 'a' and <= 'z') or (>= '\u00DF' and < '\u0250');

    public static char Fold(char c) => s_map.TryGetValue(c, out char latin) ? latin : c;
}
