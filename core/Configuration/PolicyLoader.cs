using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

/// <summary>
/// Configuration file → validated <see cref="CompiledConfig"/> → lists → <see cref="PolicySnapshot"/>.
/// When the list definitions have not changed, the previous catalogue is reused, so editing a profile
/// reloads in milliseconds even with millions of listed domains.
/// </summary>
public sealed class PolicyLoader(HttpClient? http, TimeProvider time)
{
    /// <exception cref="ConfigException">The configuration is invalid; every error is listed.</exception>
    public async Task<PolicySnapshot> LoadAsync(
        string? configPath,
        IReadOnlyDictionary<string, string> environment,
        ListCatalog? previousLists = null,
        IProgress<ListProgress>? progress = null,
        CancellationToken cancellationToken = default,
        string? sharedPolicy = null)
    {
        CompiledConfig compiled = PolicyCompiler.Compile(ConfigLoader.Load(configPath, environment, sharedPolicy));
        ListCatalog lists = previousLists is not null && previousLists.Fingerprint == compiled.ListFingerprint
            ? previousLists
            : await BuildListsAsync(compiled, progress, cancellationToken).ConfigureAwait(false);
        return compiled.ToSnapshot(lists, time.GetUtcNow());
    }

    /// <summary>Reads (and fetches) every list of a configuration.</summary>
    public Task<ListCatalog> BuildListsAsync(CompiledConfig compiled, IProgress<ListProgress>? progress, CancellationToken cancellationToken) =>
        new ListCatalogBuilder(compiled.Settings.ListsDirectory, http, time).BuildAsync(compiled.Lists, progress, cancellationToken);

    /// <summary>The process environment as a dictionary (for <see cref="ConfigLoader"/>).</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string ?? "";
        }

        return result;
    }
}
