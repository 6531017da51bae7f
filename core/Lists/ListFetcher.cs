using System.Net;
using System.Text.Json;

namespace FilterProxy.Core.Lists;

/// <summary>
/// Downloads remote lists into the data directory (conditional GET with ETag / Last-Modified; written to
/// a temporary file and moved into place), so a failed download keeps the previous copy in use.
/// </summary>
public sealed class ListFetcher(HttpClient http, string cacheDirectory, TimeProvider time)
{
    public const long MaxBytes = 1L << 30;

    /// <summary>Returns the local copy's path and when its content was fetched; throws on failure with no copy.</summary>
    public async Task<FetchResult> FetchAsync(ListSource source, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(cacheDirectory);
        string extension = source.Source.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || source.Source.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)
            ? ".tar.gz" : ".list";
        string path = Path.Combine(cacheDirectory, source.Name + extension);
        string metaPath = Path.Combine(cacheDirectory, source.Name + ".meta.json");
        FetchMeta? meta = File.Exists(metaPath) && File.Exists(path) ? ReadMeta(metaPath) : null;
        if (meta is not null && meta.Url != source.Source)
        {
            meta = null;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, source.Source);
            if (meta?.ETag is { } etag)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            if (meta?.LastModified is { } lastModified)
            {
                request.Headers.IfModifiedSince = lastModified;
            }

            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified && meta is not null)
            {
                WriteMeta(metaPath, meta with { CheckedAt = time.GetUtcNow() });
                return new FetchResult(path, meta.FetchedAt, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{source.Source} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                throw new HttpRequestException($"{source.Source} is larger than {MaxBytes / (1 << 20)} MB");
            }

            string temp = path + ".tmp";
            await using (FileStream file = File.Create(temp))
            {
                await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await body.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                if (file.Length > MaxBytes)
                {
                    throw new HttpRequestException($"{source.Source} is larger than {MaxBytes / (1 << 20)} MB");
                }
            }

            File.Move(temp, path, overwrite: true);
            DateTimeOffset now = time.GetUtcNow();
            WriteMeta(metaPath, new FetchMeta(source.Source, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified, now, now));
            return new FetchResult(path, now, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (meta is not null)
            {
                return new FetchResult(path, meta.FetchedAt, $"download failed ({ex.Message}); using the copy from {meta.FetchedAt:u}");
            }

            throw new ListLoadException($"download of {source.Source} failed and there is no earlier copy: {ex.Message}", ex);
        }
    }

    /// <summary>The copy from the last download, without going to the network (for offline commands).</summary>
    public static FetchResult? Cached(string cacheDirectory, ListSource source)
    {
        string metaPath = Path.Combine(cacheDirectory, source.Name + ".meta.json");
        FetchMeta? meta = File.Exists(metaPath) ? ReadMeta(metaPath) : null;
        if (meta is null || meta.Url != source.Source)
        {
            return null;
        }

        foreach (string extension in (string[])[".list", ".tar.gz"])
        {
            string path = Path.Combine(cacheDirectory, source.Name + extension);
            if (File.Exists(path))
            {
                return new FetchResult(path, meta.FetchedAt, null);
            }
        }

        return null;
    }

    private static FetchMeta? ReadMeta(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<FetchMeta>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteMeta(string path, FetchMeta meta)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(meta));
        File.Move(temp, path, overwrite: true);
    }

    public sealed record FetchResult(string Path, DateTimeOffset FetchedAt, string? Warning);

    private sealed record FetchMeta(string Url, string? ETag, DateTimeOffset? LastModified, DateTimeOffset FetchedAt, DateTimeOffset CheckedAt);
}
