using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using FilterProxy.Core.Events;

namespace FilterProxy.Events.Serialization;

/// <summary>
/// The one JSON shape of events, alerts and audit entries: in both stores, the spool, the command line's
/// <c>--json</c> output, exports and webhooks. camelCase, enums as kebab-case words, nulls left out.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    Converters = [typeof(KebabEnum<EventKind>), typeof(KebabEnum<AlertSeverity>), typeof(KebabEnum<AlertStatus>)])]
[JsonSerializable(typeof(FilterEvent))]
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(SpoolBatch))]
[JsonSerializable(typeof(List<FilterEvent>))]
internal sealed partial class EventJsonContext : JsonSerializerContext;

internal sealed class KebabEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where T : struct, Enum;

/// <summary>A batch as written to the spool file.</summary>
internal sealed record SpoolBatch(string Id, List<FilterEvent> Events);

public static class EventJson
{
    /// <summary>
    /// The generated context with a relaxed encoder: URLs and search terms stay readable ("q=a+b", not "q=a\u002Bb")
    /// for technicians and scripts. Still valid JSON; whoever puts it into HTML escapes it there.
    /// </summary>
    private static readonly EventJsonContext s_context = new(new JsonSerializerOptions(EventJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Serialize(FilterEvent e) => System.Text.Encoding.UTF8.GetString(SerializeToUtf8(e));

    /// <summary>A writer with the same (relaxed) encoding as <see cref="Serialize(FilterEvent)"/>, for <see cref="Write"/>.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, new JsonWriterOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    });

    /// <summary>Writes the event into a caller's writer (no array per event), in the generated context's shape.</summary>
    public static void Write(Utf8JsonWriter writer, FilterEvent e) => FilterEventWriter.Write(writer, e);

    public static byte[] SerializeToUtf8(FilterEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (Utf8JsonWriter writer = CreateWriter(buffer))
        {
            FilterEventWriter.Write(writer, e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The generated serializer's output, which <see cref="Write"/> reproduces (for the test that holds them equal).</summary>
    internal static byte[] SerializeGenerated(FilterEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, GeneratedFilterEvent);

    internal static System.Text.Json.Serialization.Metadata.JsonTypeInfo<FilterEvent> GeneratedFilterEvent => s_context.FilterEvent;

    public static FilterEvent Event(string json) => JsonSerializer.Deserialize(json, s_context.FilterEvent)
        ?? throw new JsonException("null event");

    public static FilterEvent Event(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, s_context.FilterEvent)
        ?? throw new JsonException("null event");

    public static string Serialize(Alert a) => JsonSerializer.Serialize(a, s_context.Alert);

    public static Alert Alert(string json) => JsonSerializer.Deserialize(json, s_context.Alert)
        ?? throw new JsonException("null alert");

    public static string Serialize(AuditEntry a) => JsonSerializer.Serialize(a, s_context.AuditEntry);

    internal static byte[] Serialize(SpoolBatch b) => JsonSerializer.SerializeToUtf8Bytes(b, s_context.SpoolBatch);

    internal static SpoolBatch Batch(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, s_context.SpoolBatch)
        ?? throw new JsonException("null batch");
}

internal static class AuditJson
{
    public static AuditEntry Entry(string json) => JsonSerializer.Deserialize(json, EventJsonContext.Default.AuditEntry)
        ?? throw new JsonException("null audit entry");
}
