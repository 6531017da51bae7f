using FilterProxy.Events.Alerts;

namespace FilterProxy.Events.Tests.Alerts;

/// <summary>The alert engine's bounded memory: full means the least recently set entry goes, and only that one.</summary>
public sealed class RecentTableTests
{
    [Fact]
    public void Past_the_bound_the_least_recently_set_entry_is_forgotten()
    {
        var table = new RecentTable<string, int>(3);
        table.Set("a", 1);
        table.Set("b", 2);
        table.Set("c", 3);
        table.Set("a", 10); // "a" is the most recent now: "b" is the oldest
        table.Set("d", 4);

        Assert.Equal(3, table.Count);
        Assert.False(table.TryGetValue("b", out _));
        Assert.True(table.TryGetValue("a", out int a));
        Assert.Equal(10, a);
        Assert.Equal([3, 10, 4], table.Values);
        Assert.Equal(1, table.Forgotten);
    }

    [Fact]
    public void GetOrAdd_creates_once_makes_the_entry_recent_and_keeps_the_bound()
    {
        var table = new RecentTable<string, List<int>>(2);
        List<int> a = table.GetOrAdd("a", static () => []);
        table.GetOrAdd("b", static () => []);
        Assert.Same(a, table.GetOrAdd("a", static () => throw new InvalidOperationException("not created twice")));
        table.GetOrAdd("c", static () => []); // "b" is the least recent now

        Assert.False(table.TryGetValue("b", out _));
        Assert.True(table.TryGetValue("a", out List<int>? kept));
        Assert.Same(a, kept);
        Assert.Equal(1, table.Forgotten);
    }

    [Fact]
    public void A_flood_of_new_keys_keeps_the_bound()
    {
        var table = new RecentTable<int, int>(1_000);
        for (int i = 0; i < 50_000; i++)
        {
            table.Set(i, i);
        }

        Assert.Equal(1_000, table.Count);
        Assert.Equal(49_000, table.Forgotten);
        Assert.Equal(Enumerable.Range(49_000, 1_000), table.Values);
    }

    [Fact]
    public void Removed_entries_leave_room_and_are_not_counted_as_forgotten()
    {
        var table = new RecentTable<string, int>(2);
        table.Set("a", 1);
        table.Set("b", 2);
        Assert.True(table.Remove("a"));
        Assert.False(table.Remove("a"));
        table.Set("c", 3);

        Assert.Equal([2, 3], table.Values);
        Assert.Equal(0, table.Forgotten);
    }
}
