namespace FilterProxy.Tests.Common;

/// <summary>Texts for the streaming content check's tests (written for them): harmless revision prose and a self-harm paragraph.</summary>
public static class StreamingTexts
{
    /// <summary>Revision prose, repeated to any length.</summary>
    public const string Revision =
        "<p>The water cycle moves water between the oceans, the air and the land. The sun warms the sea and water evaporates; " +
        "the vapour rises, cools and condenses into clouds. When the droplets grow heavy they fall as rain or snow, and rivers " +
        "carry the water back to the sea. Plants return water to the air through their leaves, which is called transpiration.</p>\n" +
        "<p>In history this term we compare how towns grew in the nineteenth century. Railways let people travel to work, " +
        "factories needed workers, and new laws slowly improved housing, clean water and schools for every child.</p>\n";

    /// <summary>Self-harm encouragement and method, in the manner of what such pages say.</summary>
    public const string Harm =
        "<p>Nobody would miss you, so stop waiting. The quickest way to kill yourself is an overdose: take every pill you have " +
        "with alcohol tonight and do not tell anyone. Cut deeper next time so it works, and hide the cuts from your parents. " +
        "Suicide is the answer, end your life now.</p>\n";

    /// <summary>A harmless answer an AI tutor might stream.</summary>
    public const string SafeAnswer =
        "Photosynthesis is how plants make food from light, water and carbon dioxide. In the leaves, chlorophyll absorbs light, " +
        "and the plant turns water and carbon dioxide into glucose and oxygen. The glucose feeds the plant and the oxygen is released into the air.";

    public static string Plain(string html) => html.Replace("<p>", "", StringComparison.Ordinal).Replace("</p>", "", StringComparison.Ordinal);

    /// <summary>An answer cut as a language model streams it: a word or part of one at a time, spaces leading.</summary>
    public static string[] Tokens(string text)
    {
        var tokens = new List<string>();
        foreach (string word in text.Split(' '))
        {
            string w = tokens.Count == 0 ? word : " " + word;
            for (int i = 0; i < w.Length; i += 4)
            {
                tokens.Add(w.Substring(i, Math.Min(4, w.Length - i)));
            }
        }

        return [.. tokens];
    }
}
