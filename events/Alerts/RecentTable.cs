using System.Runtime.InteropServices;

namespace FilterProxy.Events.Alerts;

/// <summary>
/// A dictionary bounded by count that forgets the entry set least recently once it is full. Every operation is O(1)
/// (a list in the order entries were last set, beside the dictionary), so a flood of new keys — spoofed client
/// addresses on the school's network, each a new "person" — costs the alert engine the same per event as ordinary
/// traffic, and the bound holds. (It used to scan the whole table for stale entries on every new key once past the
/// bound, and kept everything when all of it was recent: 100,000 new keys within the window were enough for both.)
/// Not thread-safe: the engine holds its lock around it.
/// </summary>
internal sealed class RecentTable<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new(); // least recently set first

    public int Count => _entries.Count;

    /// <summary>Entries forgotten to keep within the bound (set least recently: stale ones first).</summary>
    public long Forgotten { get; private set; }

    public IEnumerable<TValue> Values => _order.Select(static e => e.Value);

    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out LinkedListNode<(TKey Key, TValue Value)>? node))
        {
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Adds or replaces the entry and makes it the most recent; forgets the least recent one when that passes the bound.</summary>
    public void Set(TKey key, TValue value)
    {
        ref LinkedListNode<(TKey Key, TValue Value)>? node = ref Find(key, out bool exists);
        if (exists)
        {
            node!.Value = (key, value);
            return;
        }

        node = _order.AddLast((key, value));
        ForgetPastBound();
    }

    /// <summary>The entry for the key, made the most recent — created when absent — in one lookup.</summary>
    public TValue GetOrAdd(TKey key, Func<TValue> create)
    {
        ref LinkedListNode<(TKey Key, TValue Value)>? node = ref Find(key, out bool exists);
        if (exists)
        {
            return node!.Value.Value;
        }

        TValue value = create();
        node = _order.AddLast((key, value));
        ForgetPastBound();
        return value;
    }

    /// <summary>
    /// The key's slot in one lookup: an existing entry is moved to the most recent end; a new slot is empty and must be
    /// filled by the caller (before anything else touches the table).
    /// </summary>
    private ref LinkedListNode<(TKey Key, TValue Value)>? Find(TKey key, out bool exists)
    {
        ref LinkedListNode<(TKey Key, TValue Value)>? node = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out exists);
        if (exists)
        {
            _order.Remove(node!);
            _order.AddLast(node!);
        }

        return ref node;
    }

    private void ForgetPastBound()
    {
        if (_entries.Count > capacity)
        {
            LinkedListNode<(TKey Key, TValue Value)> oldest = _order.First!;
            _order.RemoveFirst();
            _entries.Remove(oldest.Value.Key);
            Forgotten++;
        }
    }

    public bool Remove(TKey key)
    {
        if (!_entries.Remove(key, out LinkedListNode<(TKey Key, TValue Value)>? node))
        {
            return false;
        }

        _order.Remove(node);
        return true;
    }
}
