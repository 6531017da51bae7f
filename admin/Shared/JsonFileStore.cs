using System.Text.Json;
using System.Text.Json.Serialization;

namespace FilterProxy.Admin.Shared;

/// <summary>
/// A small JSON document in the admin's data folder (accounts, pending changes, settings): read once, written whole
/// through a temporary file and a rename (a crash leaves the old or the new file, never half of one), owner-only.
/// One writer at a time; readers get the last committed value.
/// </summary>
public sealed class JsonFileStore<T>(string path, Func<T> empty) where T : class
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _value;

    public string Path { get; } = path;

    public T Value => _value ??= Read();

    private T Read()
    {
        if (!File.Exists(Path))
        {
            return empty();
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(Path), s_json) ?? empty();
        }
        catch (JsonException ex)
        {
            // Never start over silently on a damaged file (that would, for accounts, reopen first-run setup to anyone).
            throw new InvalidDataException($"{Path} is not valid ({ex.Message}); restore it from a backup or move it aside", ex);
        }
    }

    /// <summary>Reads, changes and writes the document under the store's lock; returns what <paramref name="change"/> returned.</summary>
    public async Task<TResult> UpdateAsync<TResult>(Func<T, (T Next, TResult Result)> change, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (T next, TResult result) = change(Value);
            if (!ReferenceEquals(next, _value))
            {
                Write(next);
                _value = next;
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Write(T value) => FilterProxy.Core.Text.AtomicFile.WriteAllText(Path, JsonSerializer.Serialize(value, s_json), ownerOnly: true);
}
