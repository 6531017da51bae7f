using FilterProxy.Core.Configuration;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;

namespace FilterProxy.Tests.Common;

/// <summary>Builds snapshots from inline JSON configuration and inline list files.</summary>
public static class PolicyFixture
{
    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    /// <summary>Writes <paramref name="configJson"/> and <paramref name="files"/> into a temp dir and loads a snapshot.</summary>
    public static PolicySnapshot Load(TempDirectory dir, string configJson, TimeProvider? time = null, params (string Name, string Content)[] files)
    {
        foreach ((string name, string content) in files)
        {
            dir.File(name, content);
        }

        string path = dir.File("filterproxy.json", configJson);
        return new PolicyLoader(null, time ?? TimeProvider.System).LoadAsync(path, NoEnvironment).GetAwaiter().GetResult();
    }

    public static IReadOnlyList<ConfigError> Errors(string configJson, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var dir = new TempDirectory();
        string path = dir.File("filterproxy.json", configJson);
        return PolicyCompiler.Check(ConfigLoader.Load(path, environment ?? NoEnvironment)); // what `check` and a start report
    }

    public static Decision Check(this PolicySnapshot snapshot, string url, string? profile = null, string? client = null, DateTimeOffset? at = null, string? user = null)
    {
        FilterRequest request = FilterRequest.ForUrl(url, client is null ? null : System.Net.IPAddress.Parse(client), profile, at ?? default, user);
        return snapshot.Evaluate(in request, at ?? new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    }

    public static ListReport Report(this PolicySnapshot snapshot, string name) => snapshot.Lists.Reports.Single(r => r.Name == name);
}
