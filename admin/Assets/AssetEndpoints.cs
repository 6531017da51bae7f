using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace FilterProxy.Admin.Assets;

/// <summary>
/// Serves the UI's stylesheet and scripts from the assembly (<c>/assets/{name}</c>): nothing on disk to deploy or
/// lose, cached by the browser for a day. chart.js is present when npm was available at build time.
/// </summary>
public static class AssetEndpoints
{
    private static readonly Assembly s_assembly = typeof(AssetEndpoints).Assembly;
    private static readonly Dictionary<string, byte[]> s_assets = Load();

    public static bool Has(string name) => s_assets.ContainsKey(name);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (!s_assets.TryGetValue(name, out byte[]? body))
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=86400";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Bytes(body, name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        }).AllowAnonymous();

    private static Dictionary<string, byte[]> Load()
    {
        var assets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string resource in s_assembly.GetManifestResourceNames().Where(static n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using Stream stream = s_assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            assets[resource["assets/".Length..]] = copy.ToArray();
        }

        return assets;
    }
}
