using System.Collections.Frozen;

namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// What children type, read as the words it stands for, before leetspeak would turn its digits into letters ("gr8" is
/// "great", not "grb"): whole tokens only, lower case. Digits for words ("2" to, "4" for) only between two words, so
/// "page 2" and "4 4 2" stay numbers; single letters ("u", "r") only outside a run of spaced letters, so "f u c k" is
/// still re-joined. Euphemisms that dodge filters ("sewerslide", "kms", "kys", "unalivemyself") become the plain words; "unalive" alone stays
/// itself (it may mean "kill him" or "kill myself") and the phrase lists weigh it as a word of its own.
/// </summary>
internal static class TextSpeak
{
    /// <summary>The longest key, so longer tokens skip the lookup.</summary>
    public const int MaxKeyLength = 14;

    private static readonly FrozenDictionary<string, string> s_words = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Pronouns and little words
        ["u"] = "you", ["ur"] = "your", ["urs"] = "yours", ["r"] = "are", ["ya"] = "you", ["urself"] = "yourself",
        ["ima"] = "i am going to", ["imma"] = "i am going to", ["ive"] = "i have", ["wanna"] = "want to", ["gonna"] = "going to",
        ["gotta"] = "got to", ["hafta"] = "have to", ["lemme"] = "let me", ["gimme"] = "give me", ["dunno"] = "dont know",
        ["cuz"] = "because", ["coz"] = "because", ["bcos"] = "because", ["bcuz"] = "because",
        ["ppl"] = "people", ["pls"] = "please", ["plz"] = "please", ["plss"] = "please", ["thx"] = "thanks", ["ty"] = "thank you",
        ["idk"] = "i dont know", ["ik"] = "i know", ["rn"] = "right now", ["tbh"] = "to be honest", ["ngl"] = "not going to lie",
        ["istg"] = "i swear to god", ["frfr"] = "for real", ["irl"] = "in real life", ["abt"] = "about",
        ["smth"] = "something", ["sth"] = "something", ["ppl"] = "people", ["nvm"] = "never mind",
        ["wyd"] = "what are you doing", ["wbu"] = "what about you", ["hbu"] = "how about you", ["wdym"] = "what do you mean",
        ["asap"] = "as soon as possible", ["dm"] = "direct message", ["dms"] = "direct messages",         ["bf"] = "boyfriend", ["gf"] = "girlfriend", ["bff"] = "best friend", ["bday"] = "birthday", ["msg"] = "message",
        ["txt"] = "text", ["srsly"] = "seriously", ["prob"] = "probably", ["probs"] = "probably",         ["rly"] = "really", ["kk"] = "okay", ["ok"] = "okay", ["okk"] = "okay", ["omw"] = "on my way",
        // Digits for words and syllables
        ["2day"] = "today", ["2nite"] = "tonight", ["2night"] = "tonight", ["2nyt"] = "tonight", ["2moro"] = "tomorrow",
        ["2morrow"] = "tomorrow", ["2mrw"] = "tomorrow", ["tmrw"] = "tomorrow", ["tmr"] = "tomorrow", ["tmw"] = "tomorrow",
        ["2b"] = "to be", ["2go"] = "to go", ["2do"] = "to do", ["2gether"] = "together", ["4ever"] = "forever", ["4eva"] = "forever",
        ["4u"] = "for you", ["2u"] = "to you", ["b4"] = "before", ["l8"] = "late", ["l8r"] = "later", ["l8er"] = "later",
        ["gr8"] = "great", ["m8"] = "mate", ["m8s"] = "mates", ["h8"] = "hate", ["h8s"] = "hates", ["h8ed"] = "hated",
        ["w8"] = "wait", ["str8"] = "straight", ["d8"] = "date", ["d8s"] = "dates", ["any1"] = "anyone", ["ne1"] = "anyone",
        ["some1"] = "someone", ["sum1"] = "someone", ["no1"] = "no one", ["every1"] = "everyone", ["evry1"] = "everyone",
        ["g2g"] = "got to go", ["gtg"] = "got to go", ["brb"] = "be right back", ["cya"] = "see you",         ["f2f"] = "face to face", ["1ce"] = "once", ["2nd"] = "second", ["wud"] = "would", ["shud"] = "should",
        // Words that dodge filters
        ["kms"] = "kill myself", ["kmsl"] = "kill myself", ["kys"] = "kill yourself", ["kmn"] = "kill me now",
        ["unaliveme"] = "kill me",
        ["unalivemyself"] = "kill myself", ["sewerslide"] = "suicide", ["sewerslided"] = "suicide", ["suwuicide"] = "suicide",
        ["selfharm"] = "self harm", ["selfharming"] = "self harming", ["slefharm"] = "self harm",
        ["seggs"] = "sex", ["secks"] = "sex", ["s3x"] = "sex", ["nudez"] = "nudes",
        ["noods"] = "nudes", ["n00ds"] = "nudes", ["pron"] = "porn", ["pr0n"] = "porn", ["p0rn"] = "porn",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_lookup = s_words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Single letters that stand for words; outside spaced-letter runs only.</summary>
    public static bool IsSingleLetterWord(char c) => c is 'u' or 'r';

    /// <summary>Which (first character, length) pairs any key has: most words are turned away by one array read, not a hash.</summary>
    private static readonly bool[] s_possible = BuildPossible();

    private static bool[] BuildPossible()
    {
        bool[] possible = new bool[128 * (MaxKeyLength + 1)];
        foreach (string key in s_words.Keys)
        {
            possible[(key[0] * (MaxKeyLength + 1)) + key.Length] = true;
        }

        return possible;
    }

    /// <summary>The words a whole token stands for, or null.</summary>
    public static string? Expand(ReadOnlySpan<char> token) =>
        token.Length is > 0 and <= MaxKeyLength && token[0] < 128 && s_possible[(token[0] * (MaxKeyLength + 1)) + token.Length]
        && s_lookup.TryGetValue(token, out string? words) ? words : null;

    /// <summary>A lone digit that stands for a word between two words ("want 2 die", "need 4 money"), or null.</summary>
    public static string? DigitWord(char c) => c switch
    {
        '2' => "to",
        '4' => "for",
        _ => null,
    };
}
