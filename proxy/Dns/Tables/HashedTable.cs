namespace FilterProxy.Dns.Tables;

/// <summary>
/// Values by <see cref="KeyHash"/> alone, in <see cref="ShardCount"/> shards, each an open-addressing table (linear
/// probing, deletion by backward shift) behind its own lock. A lookup reads one slot — the hash and the value side by
/// side — where a dictionary of strings reads a bucket, a node and the key string. The caller takes
/// <see cref="Shard.Gate"/> around every call on a shard, and may guard its values' state with the same lock.
/// A shard grows to at most its maximum (<see cref="Shard.DefaultMaxSlots"/> by default) slots and then refuses past three quarters full: bounded.
/// </summary>
internal sealed class HashedTable<T> where T : class
{
    public const int ShardCount = 32;
    private readonly Shard[] _shards;

    public HashedTable(int maxSlotsPerShard = Shard.DefaultMaxSlots)
    {
        _shards = [.. Enumerable.Range(0, ShardCount).Select(_ => new Shard(maxSlotsPerShard))];
    }

    /// <summary>The shard a hash lives in (chosen by the high lane; the slot within it by the low).</summary>
    public Shard For(KeyHash hash) => _shards[(int)(hash.High >> 59)];

    /// <summary>Removes, shard by shard under each one's lock, the values <paramref name="remove"/> picks; returns how many.</summary>
    public int RemoveWhere(Func<T, bool> remove)
    {
        int removed = 0;
        foreach (Shard shard in _shards)
        {
            lock (shard.Gate)
            {
                removed += shard.RemoveWhere((value, _) => remove(value));
            }
        }

        return removed;
    }

    /// <summary>Removes up to <paramref name="count"/> values, whichever come first, spread evenly over the shards.</summary>
    public int RemoveAny(int count)
    {
        int removed = 0;
        for (int s = 0; s < ShardCount && removed < count; s++)
        {
            int share = (count - removed + (ShardCount - s) - 1) / (ShardCount - s); // what is left, over the shards left
            lock (_shards[s].Gate)
            {
                removed += _shards[s].RemoveWhere((_, picked) => picked < share);
            }
        }

        return removed;
    }

    public sealed class Shard
    {
        public const int DefaultMaxSlots = 8192;
        private const int InitialSlots = 16;
        private readonly int _maxSlots;
        private Slot[] _slots = new Slot[InitialSlots];
        private int _count;

        internal Shard(int maxSlots)
        {
            if (maxSlots < InitialSlots || !int.IsPow2(maxSlots))
            {
                throw new ArgumentOutOfRangeException(nameof(maxSlots), maxSlots, "a power of two, at least 16");
            }

            _maxSlots = maxSlots;
        }

        /// <summary>Held around every call on this shard.</summary>
        public Lock Gate { get; } = new();

        public int Count => _count;

        public T? Find(KeyHash hash)
        {
            Slot[] slots = _slots;
            int mask = slots.Length - 1;
            for (int i = (int)hash.Low & mask; slots[i].Value is { } value; i = (i + 1) & mask)
            {
                if (slots[i].Hash == hash)
                {
                    return value;
                }
            }

            return null;
        }

        /// <summary>Adds a value for a hash not in the table; false when the shard is full.</summary>
        public bool TryAdd(KeyHash hash, T value)
        {
            if ((_count + 1) * 2 > _slots.Length)
            {
                if (_slots.Length < _maxSlots)
                {
                    Grow();
                }
                else if ((_count + 1) * 4 > _slots.Length * 3)
                {
                    return false;
                }
            }

            Place(_slots, hash, value);
            _count++;
            return true;
        }

        /// <summary>Removes the hash if it holds exactly <paramref name="value"/>.</summary>
        public bool Remove(KeyHash hash, T value)
        {
            Slot[] slots = _slots;
            int mask = slots.Length - 1;
            int i = (int)hash.Low & mask;
            while (true)
            {
                if (slots[i].Value is null)
                {
                    return false;
                }

                if (slots[i].Hash == hash)
                {
                    if (!ReferenceEquals(slots[i].Value, value))
                    {
                        return false;
                    }

                    break;
                }

                i = (i + 1) & mask;
            }

            // Backward shift: move later entries of the run into the hole when their home slot allows it, so a probe
            // never stops early at a gap.
            for (int j = (i + 1) & mask; slots[j].Value is not null; j = (j + 1) & mask)
            {
                int home = (int)slots[j].Hash.Low & mask;
                bool movable = i <= j ? home <= i || home > j : home <= i && home > j;
                if (movable)
                {
                    slots[i] = slots[j];
                    i = j;
                }
            }

            slots[i] = default;
            _count--;
            return true;
        }

        /// <summary>Removes the values <paramref name="remove"/> picks, given each value and how many it has picked so far.</summary>
        internal int RemoveWhere(Func<T, int, bool> remove)
        {
            var victims = new List<Slot>();
            foreach (Slot slot in _slots)
            {
                if (slot.Value is { } value && remove(value, victims.Count))
                {
                    victims.Add(slot);
                }
            }

            foreach (Slot victim in victims)
            {
                Remove(victim.Hash, victim.Value!);
            }

            return victims.Count;
        }

        private void Grow()
        {
            var larger = new Slot[_slots.Length * 2];
            foreach (Slot slot in _slots)
            {
                if (slot.Value is not null)
                {
                    Place(larger, slot.Hash, slot.Value);
                }
            }

            _slots = larger;
        }

        private static void Place(Slot[] slots, KeyHash hash, T value)
        {
            int mask = slots.Length - 1;
            int i = (int)hash.Low & mask;
            while (slots[i].Value is not null)
            {
                i = (i + 1) & mask;
            }

            slots[i] = new Slot(hash, value);
        }

        private readonly record struct Slot(KeyHash Hash, T? Value);
    }
}
