"""The Lua scripts: each runs atomically in Redis, on Redis's own clock (``TIME``).

Times are integers of microseconds, stored through ``string.format('%.0f')``: Redis turns a
Lua number into a string with 14 significant digits, too few for microseconds since 1970.
"""

from __future__ import annotations

BETA = 0.7
"""The adaptive rate falls to this fraction of what it was on a throttle (as the local one)."""
SCALE = 0.4
MIN_RATE = 0.5
CUT_COOLDOWN_US = 1_000_000
"""Throttles reported within a second of a cut are the same episode: the rate is cut once,
not once per process that saw a 429."""

ACQUIRE = f"""
-- KEYS: state hash, members zset
-- ARGV: rate, burst, max_wait_us (-1: none), adaptive, throttled, member, member_ttl_us,
--       idle_ttl_ms
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local function int(x) return string.format('%.0f', x) end

if ARGV[4] == '1' then
  local cut = redis.call('HMGET', KEYS[1], 'cut_at', 'cut_from')
  local cut_at, cut_from = tonumber(cut[1]), tonumber(cut[2])
  if cut_at then
    -- cubic climb back (as CUBIC and the AWS SDKs' adaptive mode): from {BETA} x cut_from,
    -- flat near cut_from, then past it up to the configured rate
    local k = (cut_from * (1 - {BETA}) / {SCALE}) ^ (1 / 3)
    local climbed = {SCALE} * ((now - cut_at) / 1000000 - k) ^ 3 + cut_from
    if climbed >= rate then
      redis.call('HDEL', KEYS[1], 'cut_at', 'cut_from')
      cut_at = nil
    else
      rate = math.max({MIN_RATE}, climbed)
    end
  end
  if ARGV[5] == '1' and (not cut_at or now - cut_at >= {CUT_COOLDOWN_US}) then
    redis.call('HSET', KEYS[1], 'cut_at', int(now), 'cut_from', tostring(rate))
    rate = math.max({MIN_RATE}, rate * {BETA})
  end
end

redis.call('ZADD', KEYS[2], int(now), ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', int(now - tonumber(ARGV[7])))
redis.call('PEXPIRE', KEYS[2], ARGV[8])
local members = redis.call('ZCARD', KEYS[2])

-- GCRA: tat is when the next slot opens without burst credit
local interval = 1000000 / rate
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat')) or now
if tat < now then tat = now end
local wait = tat - (burst - 1) * interval - now
if wait < 0 then wait = 0 end
if max_wait >= 0 and wait > max_wait then
  return {{0, int(wait), tostring(rate), members}}
end
redis.call('HSET', KEYS[1], 'tat', int(tat + interval))
redis.call('PEXPIRE', KEYS[1], int((tat + interval - now) / 1000) + tonumber(ARGV[8]))
return {{1, int(wait), tostring(rate), members}}
"""

READ_LEASE = """
-- KEYS: token; ARGV: rejected token or ''
-- drop the token only if it is still the one that was refused (compare-and-delete)
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
local value = redis.call('GET', KEYS[1])
if not value then return {'', -2} end
return {value, redis.call('PTTL', KEYS[1])}
"""

LOCK = """
-- KEYS: lock; ARGV: owner, ttl_ms
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""

UNLOCK = """
-- KEYS: lock; ARGV: owner. Only the owner releases: an expired lock may be someone else's.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

STORE_LEASE = """
-- KEYS: token; ARGV: value, ttl_ms
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
