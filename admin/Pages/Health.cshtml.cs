using System.Text.Json;
using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Api;
using FilterProxy.Core.Events;
using FilterProxy.Core.Health;
using FilterProxy.Core.Policy;
using FilterProxy.Events.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages;

/// <summary>The node's status, each component's figures (store, queue, spool, DNS, school CA), list freshness.</summary>
[Authorize(Policy = AdminPolicies.Reports)]
public sealed class HealthModel(PolicyEvaluator evaluator, IEnumerable<IHealthReporter> components, IEventStore store, NodeBoard nodes, TimeProvider time) : PageModel
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public AdminEndpoints.Health Health { get; private set; } = null!;
    public IReadOnlyList<(string Name, JsonElement Report)> Components { get; private set; } = [];
    public long Today { get; private set; }
    public IReadOnlyList<NodeStatus> Nodes { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Health = AdminEndpoints.Health.From(evaluator.Snapshot, components);
        Components = [.. components.Select(static c => (c.Name, JsonSerializer.SerializeToElement(c.Report(), s_json)))
            .Where(static c => c.Item2.ValueKind == JsonValueKind.Object)];
        Now = time.GetUtcNow();
        Nodes = await nodes.ReadAsync();
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        Today = (await store.CountsAsync(today, today, cancellationToken)).Sum(static c => c.Count);
    }
}
