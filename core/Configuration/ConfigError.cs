namespace FilterProxy.Core.Configuration;

/// <summary>One problem in the configuration: where (a JSON path such as <c>profiles.ks2.safeSearch</c>) and what.</summary>
public sealed record ConfigError(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>Every problem found in one pass; thrown only where a caller cannot go on (start-up).</summary>
public sealed class ConfigException(string source, IReadOnlyList<ConfigError> errors)
    : Exception($"{source}: {errors.Count} configuration error(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
