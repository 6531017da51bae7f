using System.Diagnostics.CodeAnalysis;

namespace FilterProxy.Core.Categories;

/// <summary>The catalogue of categories: names used in config files and lists, titles for people.</summary>
public static class Categories
{
    /// <summary>Every category, indexed by its numeric id.</summary>
    public static readonly IReadOnlyList<CategoryInfo> All =
    [
        new(Category.Csam, "csam", "Child sexual abuse material (IWF list)", Sealed: true, Harmful: true),
        new(Category.Terrorism, "terrorism", "Terrorist content (CTIRU list)", Sealed: true, Harmful: true),
        new(Category.Discrimination, "discrimination", "Discrimination and hate", false, true),
        new(Category.Drugs, "drugs", "Drugs and substance abuse", false, true),
        new(Category.Extremism, "extremism", "Extremism and radicalisation", false, true),
        new(Category.Gambling, "gambling", "Gambling", false, true),
        new(Category.Malware, "malware", "Malware, hacking and phishing", false, true),
        new(Category.Pornography, "pornography", "Pornography and adult content", false, true),
        new(Category.Piracy, "piracy", "Piracy and copyright theft", false, true),
        new(Category.SelfHarm, "self-harm", "Self-harm and suicide", false, true),
        new(Category.Violence, "violence", "Violence and weapons", false, true),
        new(Category.SocialMedia, "social-media", "Social media", false, false),
        new(Category.Chat, "chat", "Chat and messaging", false, false),
        new(Category.Games, "games", "Games", false, false),
        new(Category.Dating, "dating", "Dating", false, false),
        new(Category.Streaming, "streaming", "Streaming video", false, false),
        new(Category.Proxies, "proxies", "Proxies, VPNs and anonymisers", false, false),
        new(Category.AlcoholTobacco, "alcohol-tobacco", "Alcohol and tobacco", false, false),
        new(Category.DnsOverHttps, "dns-over-https", "Public DNS-over-HTTPS resolvers", false, false),
        new(Category.AiChat, "ai-chat", "AI chat services", false, false),
    ];

    /// <summary>The categories that no profile, exception or allowlist can unblock.</summary>
    public static readonly CategorySet Sealed = CategorySet.Of(Category.Csam, Category.Terrorism);

    /// <summary>Categories whose blocked attempts mean someone got around the filter.</summary>
    public static readonly CategorySet Circumvention = CategorySet.Of(Category.Proxies, Category.DnsOverHttps);

    private static readonly Dictionary<string, Category> s_byName = BuildNames();

    public static CategoryInfo Info(Category category) => All[(int)category];

    public static string NameOf(Category category) => All[(int)category].Name;

    private const int MaxNameLists = 1024;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, string[]> s_nameLists = new();

    /// <summary>
    /// The names of a set's categories in id order, as one list shared by every caller with that set: every blocked
    /// request and query names its categories in its event, and a school's rules make only a handful of distinct sets.
    /// (Past <see cref="MaxNameLists"/> distinct sets a new one gets a list of its own.)
    /// </summary>
    public static IReadOnlyList<string> NamesOf(CategorySet set)
    {
        if (set.IsEmpty)
        {
            return [];
        }

        if (s_nameLists.TryGetValue(set.Bits, out string[]? names))
        {
            return names;
        }

        names = new string[set.Count];
        int i = 0;
        foreach (Category c in set)
        {
            names[i++] = NameOf(c);
        }

        return s_nameLists.Count < MaxNameLists ? s_nameLists.GetOrAdd(set.Bits, names) : names;
    }

    /// <summary>Looks a category up by its config name (case-insensitive; '_' and ' ' count as '-').</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out Category? category)
    {
        category = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        string key = name.Trim().Replace('_', '-').Replace(' ', '-');
        if (s_byName.TryGetValue(key, out Category found))
        {
            category = found;
            return true;
        }

        return false;
    }

    private static Dictionary<string, Category> BuildNames()
    {
        var names = new Dictionary<string, Category>(StringComparer.OrdinalIgnoreCase);
        foreach (CategoryInfo info in All)
        {
            names[info.Name] = info.Id;
            names[info.Id.ToString()] = info.Id;
        }

        // Common aliases a technician may type.
        names["adult"] = Category.Pornography;
        names["hate"] = Category.Discrimination;
        names["phishing"] = Category.Malware;
        names["hacking"] = Category.Malware;
        names["suicide"] = Category.SelfHarm;
        names["weapons"] = Category.Violence;
        names["vpn"] = Category.Proxies;
        names["doh"] = Category.DnsOverHttps;
        names["iwf"] = Category.Csam;
        names["ctiru"] = Category.Terrorism;
        return names;
    }
}
