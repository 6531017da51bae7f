namespace FilterProxy.Core.Policy;

/// <summary>Decides whether a matched rule applies now (a struct, so matching stays allocation-free).</summary>
internal interface IRuleFilter<in T>
{
    bool Accept(T item);
}

internal readonly struct AcceptAll<T> : IRuleFilter<T>
{
    public bool Accept(T item) => true;
}
