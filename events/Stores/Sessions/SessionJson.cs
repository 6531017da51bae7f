using System.Text.Json;
using System.Text.Json.Serialization;
using FilterProxy.Core.Identity;

namespace FilterProxy.Events.Stores.Sessions;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(SessionSourceConverter)])]
[JsonSerializable(typeof(SessionBinding))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;

/// <summary>The source as its word (proxy-auth, portal, …), the same word events carry.</summary>
internal sealed class SessionSourceConverter : JsonConverter<IdentitySource>
{
    public override IdentitySource Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IdentitySources.TryParse(reader.GetString(), out IdentitySource s) ? s : throw new JsonException($"unknown identity source '{reader.GetString()}'");

    public override void Write(Utf8JsonWriter writer, IdentitySource value, JsonSerializerOptions options) =>
        writer.WriteStringValue(IdentitySources.Name(value));
}

internal static class SessionJson
{
    public static string Serialize(SessionBinding b) => JsonSerializer.Serialize(b, SessionJsonContext.Default.SessionBinding);

    /// <summary>Null for a document that cannot be read (skipped, never a crash).</summary>
    public static SessionBinding? Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, SessionJsonContext.Default.SessionBinding);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
