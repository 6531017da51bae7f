using System.Text.Json.Nodes;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Events.Stores.Sqlite;
using FilterProxy.Tests.Common;

namespace FilterProxy.Admin.Tests.Policy;

/// <summary>Proposing and approving changes against the real compiler (built-in defaults) and a real SQLite audit trail.</summary>
public sealed class PolicyChangeTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private SqliteEventStore _store = null!;
    private readonly CompilingPolicyAdmin _policy = new();

    public async Task InitializeAsync() => _store = await SqliteEventStore.OpenAsync(Path.Combine(_dir.Path, "events.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    private PolicyChangeService Service() => new(new AdminOptions { Directory = _dir.Path }, _policy, _store, TimeProvider.System);

    private static Profile Live(string name, string? overlay) =>
        PolicyCompiler.Compile(ConfigLoader.Load(null, new Dictionary<string, string>(), overlay)).Profiles.First(p => p.Name == name);

    private (JsonObject, IReadOnlyList<string>) Edit(string profile, Action<ProfileForm> change)
    {
        Profile live = Live(profile, _policy.Overlay);
        ProfileForm form = ProfileForm.From(live);
        change(form);
        return form.Compare(live);
    }

    [Fact]
    public void The_difference_reads_as_a_person_would_say_it_and_never_touches_sealed_categories()
    {
        Profile ks2 = Live("ks2", null);
        ProfileForm form = ProfileForm.From(ks2);
        form.Blocked.Add("streaming");
        form.Blocked.Remove("games");
        form.Blocked.Remove("csam");
        form.ContentThreshold = 0.2;
        form.Deny = "example.org\nexample.org\n";
        (JsonObject patch, IReadOnlyList<string> diff) = form.Compare(ks2);
        Assert.Equal(["blocked categories: + streaming, − games", "content threshold: 0.25 → 0.2", "always blocked: + example.org"], diff);
        JsonArray blocked = patch["profiles"]!["ks2"]!["blockedCategories"]!.AsArray();
        Assert.Contains("streaming", blocked.Select(static n => n!.GetValue<string>()));
        Assert.DoesNotContain("csam", blocked.Select(static n => n!.GetValue<string>()));
        Assert.Empty(ProfileForm.From(ks2).Compare(ks2).Diff);
    }

    [Fact]
    public async Task A_change_waits_for_someone_else_and_two_approved_changes_both_stay()
    {
        PolicyChangeService changes = Service();
        var (p1, d1) = Edit("ks2", f => f.Blocked.Add("streaming"));
        var (p2, d2) = Edit("staff", f => f.SafeSearch = "strict");
        PolicyChangeService.Outcome first = await changes.ProposeAsync("profiles.ks2", p1, d1, "admin:tech", "lessons", CancellationToken.None);
        PolicyChangeService.Outcome second = await changes.ProposeAsync("profiles.staff", p2, d2, "admin:tech", null, CancellationToken.None);
        Assert.Equal(ChangeStatus.Pending, first.Change!.Status);
        Assert.Null(_policy.Overlay);

        Assert.Contains("second person", (await changes.DecideAsync(first.Change.Id, "admin:tech", approve: true, null, CancellationToken.None)).Errors[0], StringComparison.Ordinal);
        Assert.Empty((await changes.DecideAsync(second.Change!.Id, "admin:head", approve: true, null, CancellationToken.None)).Errors);
        Assert.Empty((await changes.DecideAsync(first.Change.Id, "admin:head", approve: true, "ok", CancellationToken.None)).Errors);
        Assert.True(Live("ks2", _policy.Overlay).Blocked.Contains(FilterProxy.Core.Categories.Category.Streaming));
        Assert.Equal(SafeSearchLevel.Strict, Live("staff", _policy.Overlay).SafeSearch);
        Assert.Single((await changes.DecideAsync(first.Change.Id, "admin:head", approve: true, null, CancellationToken.None)).Errors); // already applied

        List<AuditEntry> audit = [];
        await foreach (AuditEntry e in _store.ReadAuditAsync(CancellationToken.None))
        {
            audit.Add(e);
        }

        Assert.Contains(audit, e => e.Action == "policy.change.proposed" && e.Actor == "admin:tech" && e.Detail!.Contains("+ streaming", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "policy.change.approved" && e.Actor == "admin:head" && e.Detail!.Contains("note: ok", StringComparison.Ordinal));
        // Pending changes survive a restart of the UI.
        Assert.Equal(2, Service().All.Count(static c => c.Status == ChangeStatus.Applied));
    }

    [Fact]
    public async Task An_invalid_change_is_refused_when_proposed_and_nothing_is_stored()
    {
        PolicyChangeService changes = Service();
        var (patch, diff) = Edit("ks2", f => f.ContentThreshold = 4);
        PolicyChangeService.Outcome outcome = await changes.ProposeAsync("profiles.ks2", patch, diff, "admin:tech", null, CancellationToken.None);
        Assert.Null(outcome.Change);
        Assert.Contains(outcome.Errors, e => e.Contains("contentThreshold", StringComparison.Ordinal));
        Assert.Empty(changes.All);
    }

    [Fact]
    public async Task With_approval_switched_off_a_change_applies_at_once()
    {
        PolicyChangeService changes = Service();
        await changes.SetRequireApprovalAsync(false, "admin:head", CancellationToken.None);
        var (patch, diff) = Edit("ks2", f => f.YouTube = "moderate");
        PolicyChangeService.Outcome outcome = await changes.ProposeAsync("profiles.ks2", patch, diff, "admin:tech", null, CancellationToken.None);
        Assert.Equal(ChangeStatus.Applied, outcome.Change!.Status);
        Assert.Equal(SafeSearchLevel.Moderate, Live("ks2", _policy.Overlay).YouTube);
    }

    /// <summary>The gateway's contract without the gateway: validates with the real compiler, keeps the overlay in memory.</summary>
    private sealed class CompilingPolicyAdmin : IPolicyAdmin
    {
        public string? Overlay { get; private set; }

        public IReadOnlyList<ConfigError> Validate(string overlay) => PolicyCompiler.Check(ConfigLoader.Load(null, new Dictionary<string, string>(), overlay));

        public Task<IReadOnlyList<ConfigError>> ApplyAsync(string overlay, string reason, CancellationToken cancellationToken)
        {
            IReadOnlyList<ConfigError> errors = Validate(overlay);
            if (errors.Count == 0)
            {
                Overlay = overlay;
            }

            return Task.FromResult(errors);
        }

        public Task<bool> RefreshListsAsync(string reason, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
