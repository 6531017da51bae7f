namespace FilterProxy.Events.Stores.Redis;

/// <summary>
/// The one Lua script the store keeps: a batch of events must be stored exactly once, so the batch's idempotency key,
/// its stream entries, their index entries and the day counters are written in one atomic step (a MULTI/EXEC cannot
/// make its writes depend on whether the key was new, nor read the stream's last id between them). Every other
/// command goes through StackExchange.Redis's own API. KEYS[1] is the key prefix (so tests and sites can share one server).
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Stream entry ids carry the event's time (raised to the stream's last id when an event arrives late, e.g.
    /// replayed from the spool), so trimming by MINID is trimming by event time.
    /// ARGV: batch id, dedupe seconds, event count, then per event two values: "stream\ttime-ms\tuser\tdevice\tclient" and the JSON (two arguments,
    /// not six: each argument costs this process more than the parsing costs Redis),
    /// then per day counter (day, field, count). Returns 0 when the batch was stored before.
    /// </summary>
    public const string AppendBatch = """
        local p = KEYS[1]
        if not redis.call('SET', p .. 'batch:' .. ARGV[1], '1', 'NX', 'EX', ARGV[2]) then return 0 end
        local n = tonumber(ARGV[3])
        local last = {}
        local i = 4
        for _ = 1, n do
          local s, t, u, d, c = string.match(ARGV[i], '^(%a+)\t(%d+)\t([^\t]*)\t([^\t]*)\t([^\t]*)$')
          local j = ARGV[i + 1]
          local key = p .. 'events:' .. s
          if last[s] == nil then
            local r = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
            if r[1] then last[s] = tonumber(string.match(r[1][1], '^(%d+)')) else last[s] = 0 end
          end
          local ms = math.max(tonumber(t), last[s])
          last[s] = ms
          local id = redis.call('XADD', key, string.format('%d', ms) .. '-*', 'e', j)
          local m = s .. '|' .. id
          if u ~= '' then redis.call('ZADD', p .. 'idx:user:' .. u, t, m) end
          if d ~= '' then redis.call('ZADD', p .. 'idx:device:' .. d, t, m) end
          if c ~= '' then redis.call('ZADD', p .. 'idx:client:' .. c, t, m) end
          i = i + 2
        end
        while i <= #ARGV do
          redis.call('HINCRBY', p .. 'day:' .. ARGV[i], ARGV[i + 1], ARGV[i + 2])
          i = i + 3
        end
        return 1
        """;
}
