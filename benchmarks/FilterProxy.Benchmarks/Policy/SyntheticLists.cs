using System.Text;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Policy;

namespace FilterProxy.Benchmarks.Policy;

/// <summary>
/// Realistic, deterministic list files: 2,000,000 names across 20 lists (one per category, two for
/// pornography as in real deployments), in the domain, hosts and AdBlock formats, with the name
/// lengths of real block lists (mostly 2–3 labels, 10–30 characters).
/// </summary>
internal static class SyntheticLists
{
    public const int TotalDomains = 2_000_000;
    public const int ListCount = 20;
    private static readonly string[] s_syllables =
    [
        "ka", "lo", "mi", "net", "bet", "play", "win", "tube", "chat", "cam", "hot", "free", "dl", "max", "pro", "zone",
        "star", "web", "hub", "box", "fun", "top", "live", "shop", "club", "app", "go", "my", "the", "x", "vid", "pix",
    ];

    private static readonly string[] s_tlds = ["com", "net", "org", "info", "co.uk", "ru", "de", "io", "xyz", "top", "online", "site", "fr", "biz"];

    public static string Domain(Random random, int i)
    {
        var sb = new StringBuilder(32);
        if (random.Next(4) == 0)
        {
            sb.Append(s_syllables[random.Next(s_syllables.Length)]).Append(random.Next(100)).Append('.');
        }

        int parts = 2 + random.Next(3);
        for (int p = 0; p < parts; p++)
        {
            sb.Append(s_syllables[random.Next(s_syllables.Length)]);
        }

        sb.Append(i % 997).Append('.').Append(s_tlds[random.Next(s_tlds.Length)]);
        return sb.ToString();
    }

    /// <summary>The name written at position <paramref name="index"/> across all lists (same generator, same order).</summary>
    public static string NameAt(int index) => Names().ElementAt(index);

    /// <summary>Every name in the order written across all lists.</summary>
    public static IEnumerable<string> Names()
    {
        var random = new Random(42);
        for (int i = 0; i < TotalDomains; i++)
        {
            yield return Domain(random, i);
        }
    }

    /// <summary>Writes the list files (once) and returns the configuration JSON that loads them.</summary>
    public static string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var lists = new List<string>();
        var random = new Random(42);
        int perList = TotalDomains / ListCount;
        for (int l = 0; l < ListCount; l++)
        {
            Category category = (Category)Math.Min(l, Categories.All.Count - 1);
            string format = (l % 3) switch { 0 => "domains", 1 => "hosts", _ => "adblock" };
            string path = Path.Combine(directory, $"list{l}.txt");
            if (!File.Exists(path))
            {
                using var writer = new StreamWriter(path);
                writer.WriteLine("# synthetic list " + l);
                for (int i = 0; i < perList; i++)
                {
                    string name = Domain(random, (l * perList) + i);
                    writer.WriteLine(format switch { "hosts" => "0.0.0.0 " + name, "adblock" => "||" + name + "^", _ => name });
                }
            }

            lists.Add($$"""{ "name": "list{{l}}", "format": "{{format}}", "category": "{{Categories.NameOf(category)}}", "source": "{{path}}" }""");
        }

        return $$"""
            { "dataDirectory": "{{Path.Combine(directory, "data")}}",
              "lists": [ {{string.Join(",\n", lists)}} ],
              "groups": { "infants": { "profile": "nursery-ks1", "networks": ["10.1.0.0/16"] },
                          "juniors": { "profile": "ks2", "networks": ["10.2.0.0/16"] },
                          "seniors": { "profile": "secondary", "networks": ["10.3.0.0/16"] },
                          "staff": { "profile": "staff", "networks": ["10.4.0.0/16"] },
                          "guests": { "profile": "guest", "networks": ["192.168.0.0/16"] } },
              "profiles": { "ks2": { "allow": ["bbc.co.uk", "school.example/timetable"], "deny": ["regex:^https?://[^/]*casino"] } } }
            """;
    }

    public static string Directory2M => Path.Combine(Path.GetTempPath(), "filterproxy-bench-lists-2m");

    /// <summary>Writes the lists (once) and their configuration into <see cref="Directory2M"/>; returns the configuration's path.</summary>
    public static string WriteConfig2M()
    {
        string config = Path.Combine(Directory2M, "filterproxy.json");
        File.WriteAllText(config, Write(Directory2M));
        return config;
    }

    /// <summary>The policy of the 2M-name lists, with configuration overrides as environment variables.</summary>
    public static PolicySnapshot Load2M(Dictionary<string, string>? environment = null) =>
        new PolicyLoader(null, TimeProvider.System).LoadAsync(WriteConfig2M(), environment ?? []).GetAwaiter().GetResult();
}
