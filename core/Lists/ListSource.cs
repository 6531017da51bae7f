using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Lists;

/// <summary>A validated list definition from the configuration.</summary>
/// <param name="Source">An absolute path (file, folder or .tar.gz) or an http(s) URL.</param>
/// <param name="Category">The category of every entry, for single-category formats.</param>
/// <param name="CategoryMap">For UT1 folders: list category name → ours (null = ignore that folder).</param>
/// <param name="Refresh">How often to fetch or re-read it; null = only at start and on reload.</param>
public sealed record ListSource(
    string Name,
    ListFormat Format,
    string Source,
    Category? Category,
    IReadOnlyDictionary<string, Category?> CategoryMap,
    TimeSpan? Refresh)
{
    public bool IsRemote => Source.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || Source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A fingerprint of the definition and, for a local source, of its contents' size and time: a reload reuses
    /// loaded lists only when neither changed (so editing a local list and sending SIGHUP re-reads it).
    /// </summary>
    public string Fingerprint =>
        $"{Name}|{Format}|{Source}|{Category}|{Refresh}|{string.Join(',', CategoryMap.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => $"{p.Key}={p.Value}"))}|{LocalStamp()}";

    private string LocalStamp()
    {
        if (IsRemote)
        {
            return "";
        }

        try
        {
            if (File.Exists(Source))
            {
                var file = new FileInfo(Source);
                return $"{file.Length}@{file.LastWriteTimeUtc.Ticks}";
            }

            if (Directory.Exists(Source))
            {
                long newest = 0;
                long total = 0;
                foreach (FileInfo file in new DirectoryInfo(Source).EnumerateFiles("*", SearchOption.AllDirectories))
                {
                    newest = Math.Max(newest, file.LastWriteTimeUtc.Ticks);
                    total += file.Length;
                }

                return $"{total}@{newest}";
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable now: the loader reports it; a changing stamp makes the reload try again.
            return "unreadable@" + DateTime.UtcNow.Ticks;
        }

        return "missing";
    }
}
