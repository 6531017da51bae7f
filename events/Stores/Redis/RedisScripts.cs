namespace FilterProxy.Events.Stores.Redis;

/// <summary>
/// The Lua scripts that make each write one atomic round trip. SE.Redis 1.2.6 predates streams, so every
/// stream command goes through these scripts or <c>Execute</c>; nothing else in the store speaks Redis.
/// KEYS[1] is the key prefix (so tests and sites can share one server).
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

    /// <summary>
    /// KEYS[2]: an index key. ARGV: max score, min score, offset, count. Returns index entries' event JSON
    /// (newest first) and removes entries whose event retention has already trimmed; the last element is how
    /// many index entries were examined.
    /// </summary>
    public const string ReadIndex = """
        local p = KEYS[1]
        local members = redis.call('ZREVRANGEBYSCORE', KEYS[2], ARGV[1], ARGV[2], 'LIMIT', ARGV[3], ARGV[4])
        local out = {}
        for _, m in ipairs(members) do
          local sep = string.find(m, '|', 1, true)
          local r = redis.call('XRANGE', p .. 'events:' .. string.sub(m, 1, sep - 1), string.sub(m, sep + 1), string.sub(m, sep + 1))
          if r[1] then out[#out + 1] = r[1][2][2] else redis.call('ZREM', KEYS[2], m) end
        end
        out[#out + 1] = tostring(#members)
        return out
        """;

    /// <summary>ARGV: the sequence number the new entry must have, its JSON. Returns 0 when another writer got there first.</summary>
    public const string AppendAudit = """
        if redis.call('LLEN', KEYS[1] .. 'audit') + 1 ~= tonumber(ARGV[1]) then return 0 end
        redis.call('RPUSH', KEYS[1] .. 'audit', ARGV[2])
        return 1
        """;

    /// <summary>ARGV: id, created ms, status, json.</summary>
    public const string SaveAlert = """
        redis.call('HSET', KEYS[1] .. 'alert:' .. ARGV[1], 'status', ARGV[3], 'doc', ARGV[4])
        redis.call('ZADD', KEYS[1] .. 'alerts', ARGV[2], ARGV[1])
        return 1
        """;

    /// <summary>ARGV: cutoff ms. Deletes resolved alerts created before the cutoff; returns how many.</summary>
    public const string PurgeAlerts = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1] .. 'alerts', '-inf', ARGV[1], 'LIMIT', 0, 5000)
        local n = 0
        for _, id in ipairs(ids) do
          if redis.call('HGET', KEYS[1] .. 'alert:' .. id, 'status') == 'resolved' then
            redis.call('DEL', KEYS[1] .. 'alert:' .. id)
            redis.call('ZREM', KEYS[1] .. 'alerts', id)
            n = n + 1
          end
        end
        return n
        """;
}
