using FilterProxy.Core.Configuration;

namespace FilterProxy.Admin.Policy;

/// <summary>
/// How the admin's policy edits take effect, provided by the host. The edits are one JSON document applied over the
/// configuration file (the same merge as a multi-site central policy): on a single node it is kept in
/// <c>&lt;data&gt;/admin/policy.json</c> and the gateway reloads; with a shared Redis it is published and every node reloads.
/// </summary>
public interface IPolicyAdmin
{
    /// <summary>The current edits (null: none yet).</summary>
    string? Overlay { get; }

    /// <summary>The errors the configuration would have with <paramref name="overlay"/> applied (empty: valid).</summary>
    IReadOnlyList<ConfigError> Validate(string overlay);

    /// <summary>Stores the edits and reloads the policy; returns the errors when refused (nothing changes then).</summary>
    Task<IReadOnlyList<ConfigError>> ApplyAsync(string overlay, string reason, CancellationToken cancellationToken);

    /// <summary>Downloads and re-reads every list now; false when the reload was refused (the last good lists stay).</summary>
    Task<bool> RefreshListsAsync(string reason, CancellationToken cancellationToken);
}
