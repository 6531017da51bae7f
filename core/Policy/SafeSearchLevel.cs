namespace FilterProxy.Core.Policy;

public enum SafeSearchLevel : byte
{
    Off,
    Moderate,
    Strict,
}
