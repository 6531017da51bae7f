namespace FilterProxy.Events.Alerts;

/// <summary>
/// One person's blocked attempts within the repetition window, counted per second: a device retrying a blocked name
/// hundreds of times a second (malware beaconing, a flood) costs one entry per second of the window at most, not one
/// per attempt (a queue of every attempt's time had grown past a million entries for one client in a DNS load test).
/// The count is exact to the second at the window's edge.
/// </summary>
internal sealed class BlockedAttempts
{
    private long[] _seconds = new long[4];
    private int[] _counts = new int[4];
    private int _head, _length, _total;

    /// <summary>Seconds held (for tests): at most the window's length in seconds, plus one.</summary>
    internal int Seconds => _length;

    /// <summary>When the latest attempt was made.</summary>
    public DateTimeOffset Last { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Counts one attempt at <paramref name="time"/>; returns how many attempts fall within <paramref name="window"/> of the latest.</summary>
    public int Add(DateTimeOffset time, TimeSpan window)
    {
        if (time > Last)
        {
            Last = time;
        }

        long second = time.ToUnixTimeSeconds();
        int mask = _seconds.Length - 1;
        int tail = (_head + _length - 1) & mask;
        if (_length > 0 && second <= _seconds[tail])
        {
            _counts[tail]++; // this second, or an attempt a moment out of order: counted with the latest second
        }
        else
        {
            if (_length == _seconds.Length)
            {
                Grow();
                mask = _seconds.Length - 1;
            }

            int at = (_head + _length) & mask;
            (_seconds[at], _counts[at]) = (second, 1);
            _length++;
        }

        _total++;
        long oldest = Last.ToUnixTimeSeconds() - (long)window.TotalSeconds;
        while (_length > 0 && _seconds[_head] < oldest)
        {
            _total -= _counts[_head];
            _head = (_head + 1) & mask;
            _length--;
        }

        return _total;
    }

    private void Grow()
    {
        var seconds = new long[_seconds.Length * 2];
        var counts = new int[_counts.Length * 2];
        for (int i = 0; i < _length; i++)
        {
            int from = (_head + i) & (_seconds.Length - 1);
            (seconds[i], counts[i]) = (_seconds[from], _counts[from]);
        }

        (_seconds, _counts, _head) = (seconds, counts, 0);
    }
}
