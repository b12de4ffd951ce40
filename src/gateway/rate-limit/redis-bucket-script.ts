// The Lua script that reads, decides and writes one key's two buckets in a single atomic step,
// so concurrent gateway processes can never both spend the same capacity. It mirrors
// token-bucket.ts (units of 1/60 000, refill clamped to a minute, the slower bucket's wait);
// the shared limiter suite and a differential property check that the two agree.
//
// Time comes from Redis TIME so every process shares one clock. Reading TIME before writing
// needs effects replication, the only mode since Redis 7 and the default since 5; the script
// asks for it explicitly for older servers. Tests may pass the time instead, to drive refill
// without waiting.

/** Reply reason codes, in the order the script returns them. */
export const SCRIPT_REASONS = ['none', 'requests', 'tokens', 'too_large'] as const;

/** Name under which the script is registered with ioredis (defineCommand, then EVALSHA). */
export const SCRIPT_COMMAND = 'lumenRateLimitBuckets';

/**
 * KEYS[1]: the key's bucket hash (fields requests, tokens, updated; a missing field is a full bucket).
 * ARGV: operation ('admit' | 'refund'), requests per minute, tokens per minute (0 = unlimited),
 *       tokens, now in ms ('' = Redis TIME), time to live in ms.
 * Reply: { admitted 1|0, reason code, retry after ms, requests level, tokens level (-1 = unlimited), now ms }.
 */
export const BUCKET_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local UNITS = 60000
local MINUTE_MS = 60000
local key = KEYS[1]
local operation = ARGV[1]
local requestLimit = tonumber(ARGV[2])
local tokenLimit = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
local timeToLiveMs = tonumber(ARGV[6])
local now
if ARGV[5] == '' then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
else
  now = tonumber(ARGV[5])
end

local stored = redis.call('HMGET', key, 'requests', 'tokens', 'updated')
local previousUpdated = tonumber(stored[3])
local elapsed = 0
local updated = now
if previousUpdated then
  elapsed = math.min(math.max(now - previousUpdated, 0), MINUTE_MS)
  updated = math.max(previousUpdated, now)
end

local function refilled(storedUnits, limit)
  local capacity = limit * UNITS
  local units = tonumber(storedUnits)
  if units == nil then return capacity end
  return math.min(units + limit * elapsed, capacity)
end

local function wait(level, needed, limit)
  local deficit = needed - level
  if deficit <= 0 then return 0 end
  return math.ceil(deficit / limit)
end

local requestLevel = -1
if requestLimit > 0 then requestLevel = refilled(stored[1], requestLimit) end
local tokenLevel = -1
if tokenLimit > 0 then tokenLevel = refilled(stored[2], tokenLimit) end

local function write()
  redis.call('HSET', key, 'updated', updated)
  if requestLevel >= 0 then redis.call('HSET', key, 'requests', requestLevel) else redis.call('HDEL', key, 'requests') end
  if tokenLevel >= 0 then redis.call('HSET', key, 'tokens', tokenLevel) else redis.call('HDEL', key, 'tokens') end
  redis.call('PEXPIRE', key, timeToLiveMs)
end

if operation == 'refund' then
  if previousUpdated and tokenLimit > 0 and tokens > 0 then
    tokenLevel = math.min(tokenLevel + tokens * UNITS, tokenLimit * UNITS)
    write()
  end
  return { 1, 0, 0, requestLevel, tokenLevel, now }
end

if tokenLimit > 0 and tokens > tokenLimit then
  return { 0, 3, 0, requestLevel, tokenLevel, now }
end
local requestWait = 0
if requestLimit > 0 then requestWait = wait(requestLevel, UNITS, requestLimit) end
local tokenWait = 0
if tokenLimit > 0 then tokenWait = wait(tokenLevel, tokens * UNITS, tokenLimit) end
if requestWait > 0 or tokenWait > 0 then
  if requestWait >= tokenWait then return { 0, 1, requestWait, requestLevel, tokenLevel, now } end
  return { 0, 2, tokenWait, requestLevel, tokenLevel, now }
end
if requestLimit > 0 then requestLevel = requestLevel - UNITS end
if tokenLimit > 0 then tokenLevel = tokenLevel - tokens * UNITS end
write()
return { 1, 0, 0, requestLevel, tokenLevel, now }
`;
