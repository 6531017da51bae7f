using FilterProxy.Core.Identity;
using FilterProxy.Events.Stores.Redis;
using FilterProxy.Events.Stores.Sessions;
using FilterProxy.Tests.Common;
using StackExchange.Redis;

namespace FilterProxy.Events.Tests.Stores;

/// <summary>The address → person bindings, one contract for both stores.</summary>
public abstract class SessionStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow;

    protected ISessionStore Store { get; private set; } = null!;

    protected abstract Task<ISessionStore> CreateAsync();

    public async Task InitializeAsync() => Store = await CreateAsync();

    public virtual async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable d)
        {
            await d.DisposeAsync();
        }
    }

    private static SessionBinding Binding(string client, string user, TimeSpan life, int idle = 0, DateTimeOffset? lastSeen = null) => new()
    {
        Client = client, User = user, Source = IdentitySource.Portal, Created = T0, Expires = T0 + life, IdleSeconds = idle,
        LastSeen = lastSeen ?? T0, Token = "tok-" + user, DisplayName = "Name " + user, Profile = "ks2", Vulnerable = true,
    };

    [Fact]
    public async Task A_binding_round_trips_with_everything_it_holds()
    {
        await Store.SetAsync(Binding("10.0.0.5", "amy", TimeSpan.FromHours(1)));
        SessionBinding b = Assert.Single(await Store.LiveAsync(T0));
        Assert.Equal(("10.0.0.5", "amy", IdentitySource.Portal, "tok-amy", "Name amy", "ks2", true), (b.Client, b.User, b.Source, b.Token, b.DisplayName, b.Profile, b.Vulnerable));
        Assert.Equal(T0.AddHours(1).ToUnixTimeMilliseconds(), b.Expires.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_second_binding_for_an_address_replaces_the_first_and_removal_ends_it()
    {
        await Store.SetAsync(Binding("10.0.0.5", "amy", TimeSpan.FromHours(1)));
        await Store.SetAsync(Binding("10.0.0.5", "ben", TimeSpan.FromHours(1)));
        await Store.SetAsync(Binding("fd00::7", "cat", TimeSpan.FromHours(1)));
        Assert.Equal(["ben", "cat"], (await Store.LiveAsync(T0)).Select(b => b.User).Order());
        Assert.True(await Store.RemoveAsync("10.0.0.5"));
        Assert.False(await Store.RemoveAsync("10.0.0.5"));
        Assert.Equal("cat", Assert.Single(await Store.LiveAsync(T0)).User);
    }

    [Fact]
    public async Task Expired_and_idle_bindings_are_not_live()
    {
        await Store.SetAsync(Binding("10.0.0.1", "short", TimeSpan.FromMinutes(1)));
        await Store.SetAsync(Binding("10.0.0.2", "idle", TimeSpan.FromHours(8), idle: 600));
        await Store.SetAsync(Binding("10.0.0.3", "long", TimeSpan.FromHours(8)));
        Assert.Equal(["idle", "long"], (await Store.LiveAsync(T0.AddMinutes(2))).Select(b => b.User).Order());
        Assert.Equal(["long"], (await Store.LiveAsync(T0.AddMinutes(11))).Select(b => b.User));
    }
}

public sealed class SqliteSessionStoreTests : SessionStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override async Task<ISessionStore> CreateAsync() => await SqliteSessionStore.OpenAsync(Path.Combine(_dir.Path, "sessions.db"));

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Bindings_survive_a_restart_and_the_file_is_owner_only()
    {
        await Store.SetAsync(new SessionBinding { Client = "10.0.0.9", User = "amy", Source = IdentitySource.ProxyAuth, Created = T0, Expires = T0.AddHours(1), LastSeen = T0 });
        await ((SqliteSessionStore)Store).DisposeAsync();
        await using SqliteSessionStore again = await SqliteSessionStore.OpenAsync(Path.Combine(_dir.Path, "sessions.db"));
        Assert.Equal(IdentitySource.ProxyAuth, Assert.Single(await again.LiveAsync(T0)).Source);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.Path, "sessions.db")));
    }

    public void Dispose() => _dir.Dispose();
}

[Collection(RedisCollection.Name)]
public sealed class RedisSessionStoreTests(RedisFixture redis) : SessionStoreContract
{
    private readonly string _prefix = $"s{Guid.NewGuid():N}:";
    private RedisEventStore? _events;

    protected override async Task<ISessionStore> CreateAsync()
    {
        _events = await RedisEventStore.ConnectAsync(redis.Server.Configuration, _prefix);
        return new RedisSessionStore(_events.Connection, _prefix);
    }

    [Fact]
    public async Task The_key_expires_in_redis_by_itself()
    {
        IDatabase db = _events!.Connection.GetDatabase();
        await db.PingAsync(); // connected before the clock starts
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await Store.SetAsync(new SessionBinding { Client = "10.0.0.9", User = "amy", Source = IdentitySource.Header, Created = now, Expires = now.AddSeconds(3), LastSeen = now });
        TimeSpan? ttl = await db.KeyTimeToLiveAsync(_prefix + "session:10.0.0.9");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(3));
        for (int i = 0; i < 100 && await db.KeyExistsAsync(_prefix + "session:10.0.0.9"); i++)
        {
            await Task.Delay(100);
        }

        Assert.False(await db.KeyExistsAsync(_prefix + "session:10.0.0.9"));
        Assert.Empty(await Store.LiveAsync(DateTimeOffset.UtcNow));
    }

    public override async Task DisposeAsync()
    {
        if (_events is not null)
        {
            await _events.DisposeAsync();
        }
    }
}
