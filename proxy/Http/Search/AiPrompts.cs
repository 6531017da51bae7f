using System.Text;
using System.Text.Json;

namespace FilterProxy.Http.Search;

/// <summary>
/// The prompt a pupil sends to an AI chat service, read like a search term: a JSON POST to one of the
/// <see cref="Core.Configuration.HttpSettings.AiChatEndpoints"/> has its last user message taken out — OpenAI's and
/// Anthropic's <c>messages[].content</c> (a string or text parts), ChatGPT's <c>messages[].content.parts</c>,
/// Gemini's <c>contents[].parts[].text</c>, the Responses API's <c>input</c>, and a generic reader for
/// <c>prompt</c>, <c>query</c>, <c>query_str</c>, <c>q</c>, <c>text</c>, <c>message</c> (Meta AI's GraphQL
/// <c>variables.message.sensitive_string_value</c> too). Whitespace squeezed, at most <see cref="MaxLength"/>
/// characters, case kept (the DSL reads it as typed). Null when there is no prompt to read.
/// </summary>
internal static class AiPrompts
{
    public const int MaxBody = 1024 * 1024;
    public const int MaxLength = 1000;

    private static readonly string[] s_promptKeys = ["prompt", "query", "query_str", "q", "text", "message", "content", "input"];

    /// <summary>Whether a request to <paramref name="host"/> and <paramref name="path"/> goes to an AI chat endpoint ("host/path-prefix"; a host covers its subdomains).</summary>
    public static bool IsEndpoint(IReadOnlyList<string> endpoints, ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        foreach (string entry in endpoints)
        {
            int slash = entry.IndexOf('/');
            ReadOnlySpan<char> h = slash < 0 ? entry : entry.AsSpan(0, slash);
            ReadOnlySpan<char> prefix = slash < 0 ? "/" : entry.AsSpan(slash);
            bool hostMatches = host.Equals(h, StringComparison.OrdinalIgnoreCase)
                || (host.Length > h.Length && host[^(h.Length + 1)] == '.' && host.EndsWith(h, StringComparison.OrdinalIgnoreCase));
            if (hostMatches && path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a request's body may be a chat request: a POST whose body is JSON (or unlabelled text, as some apps send it).</summary>
    public static bool MayCarryPrompt(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || request.ContentLength is > MaxBody)
        {
            return false;
        }

        string? type = request.ContentType;
        return type is null || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)
            || type.Contains("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The last thing the user said in a chat request's JSON body, or null.</summary>
    public static string? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip });
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            return Normalize(FromValue(document.RootElement, 0));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A chat app's WebSocket message: the prompt in it when it is JSON, else its text as it is.</summary>
    public static string? FromMessage(ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> trimmed = message.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] is (byte)'{' or (byte)'['
            ? Read(trimmed)
            : Normalize(Encoding.UTF8.GetString(message));
    }

    private static string? FromValue(JsonElement value, int depth)
    {
        if (depth > 4)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            return LastUserMessage(value) is { } last ? MessageText(last) : null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (string key in (ReadOnlySpan<string>)["messages", "contents"])
        {
            if (value.TryGetProperty(key, out JsonElement list) && list.ValueKind == JsonValueKind.Array && LastUserMessage(list) is { } message)
            {
                return MessageText(message);
            }
        }

        foreach (string key in s_promptKeys)
        {
            if (value.TryGetProperty(key, out JsonElement field) && FromValue(field, depth + 1) is { Length: > 0 } text)
            {
                return text;
            }
        }

        return value.TryGetProperty("variables", out JsonElement variables) ? FromVariables(variables) : MessageText(value);
    }

    /// <summary>Meta AI's GraphQL: <c>variables.message.sensitive_string_value</c>.</summary>
    private static string? FromVariables(JsonElement variables) =>
        variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.Object
        && message.TryGetProperty("sensitive_string_value", out JsonElement text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()
            : null;

    /// <summary>The last message whose role (or ChatGPT's author.role) is "user", else the last message.</summary>
    private static JsonElement? LastUserMessage(JsonElement list)
    {
        JsonElement? last = null;
        JsonElement? lastUser = null;
        foreach (JsonElement message in list.EnumerateArray())
        {
            last = message;
            if (message.ValueKind == JsonValueKind.Object && Role(message) is "user" or "human")
            {
                lastUser = message;
            }
        }

        return lastUser ?? last;
    }

    private static string? Role(JsonElement message) =>
        message.TryGetProperty("role", out JsonElement role) && role.ValueKind == JsonValueKind.String ? role.GetString()
        : message.TryGetProperty("author", out JsonElement author) && author.ValueKind == JsonValueKind.Object && author.TryGetProperty("role", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString()
        : null;

    /// <summary>A message's text: a string content, text parts (objects with "text", or strings), ChatGPT's content.parts.</summary>
    private static string? MessageText(JsonElement message)
    {
        if (message.ValueKind == JsonValueKind.String)
        {
            return message.GetString();
        }

        if (message.ValueKind == JsonValueKind.Array)
        {
            var sb = new StringBuilder();
            foreach (JsonElement part in message.EnumerateArray())
            {
                string? text = part.ValueKind == JsonValueKind.String ? part.GetString()
                    : part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                    : null;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    sb.Append(sb.Length > 0 ? " " : "").Append(text);
                }
            }

            return sb.Length > 0 ? sb.ToString() : null;
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (string key in (ReadOnlySpan<string>)["content", "parts", "text"])
        {
            if (message.TryGetProperty(key, out JsonElement inner) && MessageText(inner) is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    private static string? Normalize(string? prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt))
        {
            return null;
        }

        string squeezed = string.Join(' ', prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return squeezed.Length <= MaxLength ? squeezed : squeezed[..MaxLength];
    }
}
