namespace FilterProxy.Core.Lists;

/// <summary>Progress of a catalogue build, in bytes of list files read.</summary>
public readonly record struct ListProgress(string List, long BytesDone, long BytesTotal);
