namespace FilterProxy.Core.Lists;

/// <summary>A list could not be read at all (missing file, failed download with no earlier copy).</summary>
public sealed class ListLoadException(string message, Exception? inner = null) : Exception(message, inner);
