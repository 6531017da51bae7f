using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Domains;

namespace FilterProxy.Core.Lists;

/// <summary>
/// Reads every configured list (fetching remote ones first) into one <see cref="ListCatalog"/>.
/// A list that cannot be read is reported and left out; the others still load.
/// </summary>
/// <param name="http">Downloads remote lists; null means offline: remote lists come from the last downloaded copy.</param>
public sealed class ListCatalogBuilder(string cacheDirectory, HttpClient? http, TimeProvider time)
{
    public async Task<ListCatalog> BuildAsync(
        IReadOnlyList<ListSource> sources,
        IProgress<ListProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var tags = new TagTable();
        var domains = new DomainSetBuilder(tags.Merge, expectedCount: 1024);
        var urls = new UrlSetBuilder(tags.Merge);
        var reports = new List<ListReport>();
        int nextOrigin = 0;

        var all = new List<ListSource> { BuiltInLists.Source };
        all.AddRange(sources);
        var located = new List<(ListSource Source, List<(string File, string Folder)> Files, DateTimeOffset? Refreshed, string? Error)>();
        foreach (ListSource source in all)
        {
            located.Add(await LocateAsync(source, cancellationToken).ConfigureAwait(false));
        }

        long total = located.Sum(static l => l.Files.Sum(static f => SafeLength(f.File)));
        long done = 0;
        foreach ((ListSource source, List<(string File, string Folder)> files, DateTimeOffset? refreshed, string? locateError) in located)
        {
            string? error = locateError;
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var context = new ListLoadContext(domains, urls, tags, bytes =>
            {
                done += bytes;
                progress?.Report(new ListProgress(source.Name, done, total));
            });
            var unmapped = new List<string>();
            if (ReferenceEquals(source, BuiltInLists.Source))
            {
                var origin = new ListOrigin(nextOrigin, source.Name, "", Category.DnsOverHttps, false);
                nextOrigin += 2;
                context.Begin("builtin", origin, ListLoadContext.Exception(origin));
                foreach (string name in BuiltInLists.DnsOverHttpsResolvers)
                {
                    context.Domain(name, exception: false, 0, name);
                }
            }
            else if (ReferenceEquals(source, StarterLists.Source))
            {
                foreach ((Category category, string folder, string resource) in StarterLists.Files)
                {
                    var origin = new ListOrigin(nextOrigin, source.Name, folder, category, false);
                    nextOrigin += 2;
                    context.Begin(resource, origin, ListLoadContext.Exception(origin));
                    using Stream stream = StarterLists.Open(resource);
                    ListParser.Parse(stream, ListFormat.Domains, context); // the same parser as any domains list
                }
            }

            foreach ((string file, string folder) in files)
            {
                Category? category = source.Format == ListFormat.Ut1 ? MapFolder(source, folder, unmapped) : source.Category;
                if (category is null)
                {
                    continue;
                }

                var origin = new ListOrigin(nextOrigin, source.Name, folder, category.Value, false);
                nextOrigin += 2;
                context.Begin(file, origin, ListLoadContext.Exception(origin));
                ListFormat format = source.Format == ListFormat.Ut1
                    ? (Path.GetFileName(file) == "urls" ? ListFormat.Urls : ListFormat.Domains)
                    : source.Format;
                try
                {
                    await using FileStream stream = new(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                    Stream input = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && source.Format != ListFormat.Ut1
                        ? new GZipStream(stream, CompressionMode.Decompress)
                        : stream;
                    ListParser.Parse(input, format, context);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    context.RejectFile(file, $"could not read the file: {ex.Message}");
                    error ??= $"could not read {file}: {ex.Message}";
                }
            }

            reports.Add(new ListReport
            {
                Name = source.Name,
                Format = source.Format,
                Source = source.Source,
                Domains = context.Domains,
                Urls = context.Urls,
                Exceptions = context.Exceptions,
                Skipped = context.Skipped,
                Rejected = context.Rejected,
                RejectedSamples = context.Samples,
                UnmappedCategories = unmapped,
                LastRefresh = refreshed,
                LastAttempt = time.GetUtcNow(),
                Error = error,
                Duration = watch.Elapsed,
            });
        }

        return new ListCatalog(
            domains.Build(),
            urls.Build(),
            tags.Tags,
            reports,
            sources,
            time.GetUtcNow(),
            Fingerprint(sources));
    }

    public static string Fingerprint(IReadOnlyList<ListSource> sources) =>
        string.Join('\n', sources.Select(static s => s.Fingerprint));

    private static Category? MapFolder(ListSource source, string folder, List<string> unmapped)
    {
        if (source.CategoryMap.TryGetValue(folder, out Category? mapped) || Ut1Categories.Default.TryGetValue(folder, out mapped))
        {
            return mapped;
        }

        if (Categories.Categories.TryParse(folder, out Category? own))
        {
            return own;
        }

        if (!unmapped.Contains(folder))
        {
            unmapped.Add(folder);
        }

        return null;
    }

    private static long SafeLength(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private async Task<(ListSource, List<(string, string)>, DateTimeOffset?, string?)> LocateAsync(ListSource source, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(source, BuiltInLists.Source) || ReferenceEquals(source, StarterLists.Source))
        {
            return (source, [], null, null);
        }

        string path = source.Source;
        DateTimeOffset? refreshed = null;
        string? warning = null;
        try
        {
            if (source.IsRemote)
            {
                ListFetcher.FetchResult fetched = http is null
                    ? ListFetcher.Cached(cacheDirectory, source)
                        ?? throw new ListLoadException($"{source.Source} has not been downloaded yet (run 'lists import')")
                    : await new ListFetcher(http, cacheDirectory, time).FetchAsync(source, cancellationToken).ConfigureAwait(false);
                path = fetched.Path;
                refreshed = fetched.FetchedAt;
                warning = fetched.Warning;
            }
            else if (File.Exists(path))
            {
                refreshed = File.GetLastWriteTimeUtc(path);
            }
            else if (Directory.Exists(path))
            {
                refreshed = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Select(static f => (DateTimeOffset?)File.GetLastWriteTimeUtc(f))
                    .DefaultIfEmpty(Directory.GetLastWriteTimeUtc(path))
                    .Max();
            }
            else
            {
                throw new ListLoadException($"'{path}' does not exist");
            }

            if (source.Format != ListFormat.Ut1)
            {
                if (Directory.Exists(path))
                {
                    throw new ListLoadException($"'{path}' is a folder; only the 'ut1' format reads folders");
                }

                return (source, [(path, "")], refreshed, warning);
            }

            string folder = File.Exists(path) ? ExtractTarball(source, path) : path;
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(static f => Path.GetFileName(f) is "domains" or "urls")
                .Order(StringComparer.Ordinal)
                .Select(static f => (f, Path.GetFileName(Path.GetDirectoryName(f))!))
                .ToList();
            if (files.Count == 0)
            {
                throw new ListLoadException($"'{path}' has no <category>/domains or <category>/urls files");
            }

            return (source, files, refreshed, warning);
        }
        catch (Exception ex) when (ex is ListLoadException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return (source, [], refreshed, ex.Message);
        }
    }

    private string ExtractTarball(ListSource source, string tarball)
    {
        string target = Path.Combine(cacheDirectory, source.Name + ".d");
        string stamp = Path.Combine(target, ".extracted-from");
        string expected = $"{tarball}|{File.GetLastWriteTimeUtc(tarball):O}|{new FileInfo(tarball).Length}";
        if (File.Exists(stamp) && File.ReadAllText(stamp) == expected)
        {
            return target;
        }

        string temp = target + ".tmp";
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        using (FileStream file = File.OpenRead(tarball))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, temp, overwriteFiles: true);
        }

        File.WriteAllText(Path.Combine(temp, ".extracted-from"), expected);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(temp, target);
        return target;
    }
}
