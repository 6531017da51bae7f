using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Lists;

/// <summary>
/// The offline starter set: a few thousand of the best-known pornography, gambling, piracy and phishing names, built
/// only from permissively licensed lists (MIT, Unlicense, CC BY 4.0; credited in <c>core/Lists/Starter/README.md</c>)
/// and shipped inside the assembly, so a first run with no list configured and no internet already blocks them.
/// A school's own lists add to it; <c>"starterLists": false</c> leaves it out.
/// </summary>
public static class StarterLists
{
    public const string Name = "starter";

    /// <summary>Each category's embedded file (one name per line, '#' comments).</summary>
    public static readonly IReadOnlyList<(Category Category, string Folder, string Resource)> Files =
    [
        (Category.Pornography, "pornography", "starter.pornography.txt"),
        (Category.Gambling, "gambling", "starter.gambling.txt"),
        (Category.Piracy, "piracy", "starter.piracy.txt"),
        (Category.Malware, "phishing", "starter.phishing.txt"),
        (Category.AiChat, "ai-chat", "starter.ai-chat.txt"),
    ];

    public static ListSource Source { get; } = new(
        Name,
        ListFormat.Domains,
        "(built in: offline starter set)",
        Category: null,
        new Dictionary<string, Category?>(),
        Refresh: null);

    public static Stream Open(string resource) =>
        typeof(StarterLists).Assembly.GetManifestResourceStream(resource)
        ?? throw new InvalidOperationException($"the starter list {resource} is missing from {typeof(StarterLists).Assembly.GetName().Name}");
}
