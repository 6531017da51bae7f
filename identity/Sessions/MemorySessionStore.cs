using System.Collections.Concurrent;
using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Sessions;

/// <summary>Bindings in this process only (benchmarks and unit tests; the gateway uses SQLite or Redis).</summary>
public sealed class MemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<string, SessionBinding> _bindings = new(StringComparer.Ordinal);

    public Task SetAsync(SessionBinding binding, CancellationToken cancellationToken = default)
    {
        _bindings[binding.Client] = binding;
        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string client, CancellationToken cancellationToken = default) =>
        Task.FromResult(_bindings.TryRemove(client, out _));

    public Task<IReadOnlyList<SessionBinding>> LiveAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SessionBinding>>([.. _bindings.Values.Where(b => b.IsLive(now))]);
}
