using System.Text;

namespace FilterProxy.Classifier.Training;

/// <summary>
/// The tricks pupils use to slip words past a filter, applied to some words of a text: leetspeak (p0rn, $ex),
/// spaced letters (k i l l), misspellings (swapped, dropped or doubled letters), zero-width characters inside
/// words, Cyrillic look-alike letters, and stretched letters (sooooo). Seeded, so the same text and seed give the
/// same variant. Used to augment training and to measure how often a variant gets the same verdict.
/// </summary>
public static class Obfuscator
{
    public enum Trick
    {
        Leet,
        Spaced,
        Misspelt,
        ZeroWidth,
        LookAlike,
        Stretched,
    }

    public static IReadOnlyList<Trick> All { get; } = Enum.GetValues<Trick>();

    public static string Apply(string text, Trick trick, Random random, double share = 0.5)
    {
        var sb = new StringBuilder(text.Length + 16);
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                string word = text[start..i];
                sb.Append(word.Length >= 3 && random.NextDouble() < share ? Word(word, trick, random) : word);
            }

            if (i < text.Length)
            {
                sb.Append(text[i]);
                i++;
            }
        }

        return sb.ToString();
    }

    private static string Word(string word, Trick trick, Random random)
    {
        switch (trick)
        {
            case Trick.Leet:
                var leet = new StringBuilder(word.Length);
                foreach (char c in word)
                {
                    leet.Append(char.ToLowerInvariant(c) switch
                    {
                        'a' => random.Next(2) == 0 ? '4' : '@',
                        'e' => '3',
                        'i' => random.Next(2) == 0 ? '1' : '!',
                        'o' => '0',
                        's' => random.Next(2) == 0 ? '5' : '$',
                        't' => '7',
                        _ => c,
                    });
                }

                // Keep at least the first letter, as people do ("k1ll", not "!11").
                return word[0] + leet.ToString()[1..];
            case Trick.Spaced:
                return string.Join(random.Next(3) switch { 0 => " ", 1 => ".", _ => "-" }, word.ToCharArray());
            case Trick.Misspelt:
                int at = random.Next(1, word.Length - 1);
                return random.Next(3) switch
                {
                    0 => word[..at] + word[at + 1] + word[at] + word[(at + 2)..],
                    1 => word.Remove(at, 1),
                    _ => word.Insert(at, word[at].ToString()),
                };
            case Trick.ZeroWidth:
                return word.Insert(random.Next(1, word.Length), random.Next(2) == 0 ? "\u200B" : "\u00AD");
            case Trick.LookAlike:
                return word.Replace('a', 'а').Replace('o', 'о').Replace('e', 'е').Replace('p', 'р').Replace('c', 'с');
            default:
                int s = random.Next(word.Length);
                return word.Insert(s, new string(word[s], 4));
        }
    }
}
