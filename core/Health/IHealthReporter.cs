namespace FilterProxy.Core.Health;

/// <summary>A component that reports its state for /healthz (serialised as JSON under its name).</summary>
public interface IHealthReporter
{
    string Name { get; }

    /// <summary>False when the component cannot do its job (the gateway reports "degraded").</summary>
    bool Healthy { get; }

    object Report();
}
