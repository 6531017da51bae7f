using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Classifier.Search;

namespace FilterProxy.Classifier.Model;

/// <summary>
/// The models built into FilterProxy (trained by <c>classifier train</c> on classifier/Corpus and ../shared/data;
/// see classifier/MODEL.md), embedded in this assembly, loaded once on first use.
/// </summary>
public static class ShippedModels
{
    public const string ContentResource = "filterproxy-content.model";
    public const string SearchResource = "filterproxy-search.model";

    public static readonly IReadOnlyList<string> ContentLabels =
        ["safe", "discrimination", "drugs", "extremism", "gambling", "malware", "pornography", "piracy", "self-harm", "violence"];

    private static readonly Lazy<TextModel> s_content = new(() => Read(ContentResource, ModelFile.Read));
    private static readonly Lazy<SearchModels> s_search = new(() => Read(SearchResource, SearchModels.Read));

    public static TextModel Content => s_content.Value;

    public static SearchModels Search => s_search.Value;

    /// <summary>The shipped model with the built-in phrase lists.</summary>
    public static ContentClassifier ContentClassifier() => new(Content, PhraseList.BuiltIn());

    public static SearchRiskScorer SearchRisk() => Search.Scorer();

    private static T Read<T>(string resource, Func<Stream, T> read)
    {
        using Stream stream = typeof(ShippedModels).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is not embedded in the classifier assembly (run classifier train)");
        return read(stream);
    }
}

/// <summary>The two search-risk models (levels, themes), stored one after the other in one file.</summary>
public sealed record SearchModels(TextModel Levels, TextModel Themes)
{
    public SearchRiskScorer Scorer() => new(Levels, Themes);

    public static SearchModels Read(Stream stream) => new(ModelFile.Read(stream), ModelFile.Read(stream));

    public static SearchModels Load(string path) => ModelFile.Load(path, Read);

    public void Save(string path)
    {
        string temporary = path + ".tmp";
        using (FileStream file = File.Create(temporary))
        {
            ModelFile.Write(Levels, file);
            ModelFile.Write(Themes, file);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
