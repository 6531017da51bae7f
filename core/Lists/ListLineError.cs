namespace FilterProxy.Core.Lists;

/// <summary>A rejected line: which file, which line, why, and (truncated) what it said.</summary>
public sealed record ListLineError(string File, long Line, string Reason, string Text)
{
    public override string ToString() => $"{File}:{Line}: {Reason}: {Text}";
}
