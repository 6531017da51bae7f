using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FilterProxy.Core.Configuration;

/// <summary>The configuration as read: the model, where it came from, and every problem found.</summary>
public sealed record LoadedConfig(FilterProxyConfig? Config, string? Path, string BaseDirectory, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Config is not null && Errors.Count == 0;
}

/// <summary>
/// Reads the configuration file (JSON; comments and trailing commas allowed) and applies environment
/// overrides: <c>FILTERPROXY__listen__proxyPort=3129</c> sets <c>listen.proxyPort</c>,
/// <c>FILTERPROXY__profiles__ks2__safeSearch=moderate</c> one profile's setting, and
/// <c>FILTERPROXY__allowedClients__0=10.0.0.0/8</c> an array element. Values that parse as JSON
/// (numbers, true/false, arrays) are taken as such, anything else as a string. Unknown settings are
/// errors, reported with every other error in one pass.
/// </summary>
public static class ConfigLoader
{
    public const string EnvPrefix = "FILTERPROXY__";
    public const string ConfigPathVariable = "FILTERPROXY_CONFIG";
    public const string DefaultFileName = "filterproxy.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Finds the file: the explicit path, else $FILTERPROXY_CONFIG, else ./filterproxy.json if present, else none.</summary>
    public static string? Locate(string? explicitPath, IReadOnlyDictionary<string, string> environment)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return System.IO.Path.GetFullPath(explicitPath);
        }

        if (environment.TryGetValue(ConfigPathVariable, out string? fromEnv) && !string.IsNullOrWhiteSpace(fromEnv))
        {
            return System.IO.Path.GetFullPath(fromEnv);
        }

        string local = System.IO.Path.GetFullPath(DefaultFileName);
        return File.Exists(local) ? local : null;
    }

    /// <summary>Settings that stay with each node and never come from a shared (central) policy.</summary>
    public static readonly IReadOnlyList<string> NodeLocalKeys = ["dataDirectory", "listen", "allowedClients", "events", "metrics"];

    /// <param name="sharedPolicy">
    /// The central policy published over Redis (multi-site), as JSON: applied over the file, key by key (objects
    /// merge, anything else replaces), except the node-local keys; environment overrides still apply last.
    /// </param>
    public static LoadedConfig Load(string? path, IReadOnlyDictionary<string, string> environment, string? sharedPolicy = null)
    {
        var errors = new List<ConfigError>();
        string baseDirectory = path is null ? Directory.GetCurrentDirectory() : System.IO.Path.GetDirectoryName(path)!;
        JsonObject root;
        if (path is null)
        {
            root = [];
        }
        else
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new LoadedConfig(null, path, baseDirectory, [new ConfigError("", $"cannot read {path}: {ex.Message}")]);
            }

            try
            {
                JsonNode? node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                if (node is not JsonObject obj)
                {
                    return new LoadedConfig(null, path, baseDirectory, [new ConfigError("", "the file must hold one JSON object { … }")]);
                }

                root = obj;
            }
            catch (JsonException ex)
            {
                return new LoadedConfig(null, path, baseDirectory, [new ConfigError("", $"not valid JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: {FirstSentence(ex.Message)}")]);
            }
        }

        if (sharedPolicy is not null)
        {
            try
            {
                if (JsonNode.Parse(sharedPolicy, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) is JsonObject shared)
                {
                    foreach (string local in NodeLocalKeys)
                    {
                        foreach (string key in shared.Select(static p => p.Key).Where(k => string.Equals(k, local, StringComparison.OrdinalIgnoreCase)).ToList())
                        {
                            shared.Remove(key);
                        }
                    }

                    Merge(root, shared);
                }
                else
                {
                    errors.Add(new ConfigError("(shared policy)", "the shared policy must be one JSON object { … }"));
                }
            }
            catch (JsonException ex)
            {
                errors.Add(new ConfigError("(shared policy)", $"not valid JSON: {FirstSentence(ex.Message)}"));
            }
        }

        ApplyEnvironment(root, environment, errors);
        CheckKnownKeys(root, typeof(FilterProxyConfig), "", errors);
        // A value of the wrong type is reported, taken out, and the rest read again, so every such error (and every error
        // the compiler finds in the rest) is reported in one pass, not only the first.
        FilterProxyConfig? config = null;
        for (int attempt = 0; attempt < 100 && config is null; attempt++)
        {
            try
            {
                config = root.Deserialize<FilterProxyConfig>(s_json) ?? new FilterProxyConfig();
            }
            catch (JsonException ex)
            {
                string at = ex.Path?.TrimStart('$', '.') ?? "";
                errors.Add(new ConfigError(at, $"wrong type of value: {FirstSentence(ex.Message)}"));
                if (!RemoveAt(root, ex.Path))
                {
                    break;
                }
            }
        }

        return new LoadedConfig(config, path, baseDirectory, errors);
    }

    /// <summary>Removes the node a System.Text.Json path names (<c>$.http.scanMaxBytes</c>, <c>$.lists[2].name</c>); false if it cannot.</summary>
    private static bool RemoveAt(JsonObject root, string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return false;
        }

        var segments = new List<object>();
        int i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return false;
                }

                segments.Add(path[(i + 2)..end]);
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i + 1);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out int index))
                {
                    return false;
                }

                segments.Add(index);
                i = end + 1;
            }
            else
            {
                return false;
            }
        }

        JsonNode? node = root;
        for (int s = 0; s < segments.Count - 1 && node is not null; s++)
        {
            node = segments[s] switch
            {
                string name when node is JsonObject o => o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value,
                int index when node is JsonArray a && index < a.Count => a[index],
                _ => null,
            };
        }

        switch (segments[^1])
        {
            case string last when node is JsonObject parent:
                string? key = parent.Select(static p => p.Key).FirstOrDefault(k => string.Equals(k, last, StringComparison.OrdinalIgnoreCase));
                return key is not null && parent.Remove(key);
            case int index when node is JsonArray array && index < array.Count:
                array.RemoveAt(index);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Applies <paramref name="overlay"/> over <paramref name="target"/>: objects merge key by key (names match case-insensitively), anything else replaces.</summary>
    public static void Merge(JsonObject target, JsonObject overlay)
    {
        foreach ((string key, JsonNode? value) in overlay.ToList())
        {
            string name = target.Select(static p => p.Key).FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) ?? key;
            if (value is JsonObject o && target[name] is JsonObject existing)
            {
                Merge(existing, o);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }

    private static void ApplyEnvironment(JsonObject root, IReadOnlyDictionary<string, string> environment, List<ConfigError> errors)
    {
        foreach ((string key, string value) in environment.OrderBy(static e => e.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith(EnvPrefix, StringComparison.OrdinalIgnoreCase) || key.Length == EnvPrefix.Length)
            {
                continue;
            }

            string[] segments = key[EnvPrefix.Length..].Split("__");
            JsonNode parent = root;
            string path = "";
            for (int i = 0; i < segments.Length; i++)
            {
                string segment = segments[i];
                bool last = i == segments.Length - 1;
                path = path.Length == 0 ? segment : $"{path}.{segment}";
                JsonNode? next = last ? ParseValue(value) : null;
                if (parent is JsonObject obj)
                {
                    string name = obj.Select(static p => p.Key).FirstOrDefault(k => string.Equals(k, segment, StringComparison.OrdinalIgnoreCase)) ?? segment;
                    if (last)
                    {
                        obj[name] = next;
                        break;
                    }

                    if (obj[name] is not { } child)
                    {
                        child = int.TryParse(segments[i + 1], out _) ? new JsonArray() : new JsonObject();
                        obj[name] = child;
                    }

                    parent = child;
                }
                else if (parent is JsonArray array && int.TryParse(segment, out int index) && index >= 0 && index <= array.Count)
                {
                    if (index == array.Count)
                    {
                        array.Add(last ? next : int.TryParse(segments[i + 1], out _) ? new JsonArray() : new JsonObject());
                        if (last)
                        {
                            break;
                        }
                    }
                    else if (last)
                    {
                        array[index] = next;
                        break;
                    }

                    parent = array[index]!;
                }
                else
                {
                    errors.Add(new ConfigError(path, $"environment variable {key} does not fit the configuration's shape"));
                    break;
                }
            }
        }
    }

    private static JsonNode? ParseValue(string value)
    {
        string trimmed = value.Trim();
        if (trimmed.Length > 0 && (char.IsDigit(trimmed[0]) || trimmed[0] is '-' or '[' or '{' or 't' or 'f' or 'n'))
        {
            try
            {
                return JsonNode.Parse(trimmed);
            }
            catch (JsonException)
            {
                // Not JSON (e.g. "10.0.0.0/8", "09:00", "true-ish"): a plain string.
            }
        }

        return JsonValue.Create(value);
    }

    private static void CheckKnownKeys(JsonNode? node, Type type, string path, List<ConfigError> errors)
    {
        if (node is null)
        {
            return;
        }

        Type? element = ElementType(type, out bool isDictionary);
        if (element is not null)
        {
            if (isDictionary && node is JsonObject map)
            {
                foreach ((string key, JsonNode? value) in map)
                {
                    CheckKnownKeys(value, element, Join(path, key), errors);
                }
            }
            else if (!isDictionary && node is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    CheckKnownKeys(array[i], element, $"{path}[{i}]", errors);
                }
            }

            return;
        }

        if (node is not JsonObject obj || type == typeof(string) || !type.IsClass)
        {
            return;
        }

        PropertyInfo[] properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach ((string key, JsonNode? value) in obj)
        {
            PropertyInfo? property = properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                string? suggestion = properties.Select(static p => p.Name).MinBy(n => Distance(n.ToLowerInvariant(), key.ToLowerInvariant()));
                string hint = suggestion is not null && Distance(suggestion.ToLowerInvariant(), key.ToLowerInvariant()) <= 3
                    ? $" (did you mean '{char.ToLowerInvariant(suggestion[0])}{suggestion[1..]}'?)"
                    : "";
                errors.Add(new ConfigError(Join(path, key), $"unknown setting{hint}"));
                continue;
            }

            CheckKnownKeys(value, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, Join(path, key), errors);
        }
    }

    private static Type? ElementType(Type type, out bool isDictionary)
    {
        isDictionary = false;
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) || !type.IsGenericType)
        {
            return null;
        }

        Type[] args = type.GetGenericArguments();
        isDictionary = args.Length == 2;
        return args[^1];
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }

    private static int Distance(string a, string b)
    {
        int[] previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int[] current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
