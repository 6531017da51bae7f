namespace FilterProxy.Core.Policy;

/// <summary>What a pupil gets when a search scores high or critical for safeguarding risk (suicide, self-harm, abuse, sextortion…).</summary>
public enum RiskySearchHelp : byte
{
    /// <summary>The results, as for any search (the risk still goes on the event and raises the DSL's alert).</summary>
    Off,
    /// <summary>A calm page naming help services first, with a way to continue to the results.</summary>
    Interrupt,
    /// <summary>The help page instead of the results.</summary>
    Replace,
}
