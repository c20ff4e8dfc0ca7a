/**
 * The Lua scripts of the Redis backplane. Each runs atomically in Redis and
 * reads Redis's clock (`TIME`), so nodes whose clocks differ still agree.
 *
 * @internal
 */

/**
 * Cluster-wide per-IP token bucket, with the semantics of `TokenBucket`:
 * `capacity` tokens at most, `ratePerMs` added per millisecond, one taken per
 * handshake. The key expires once the bucket would be full again.
 *
 * KEYS[1] bucket; ARGV capacity, ratePerMs, ttlMs. Returns `{allowed, retryAfterMs}`.
 */
export const IP_ADMIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
  ts = now
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if allowed == 1 then
  return {1, 0}
end
return {0, math.ceil((1 - tokens) / rate)}
`;

/**
 * A node's heartbeat: its entry in the node set is scored with the time it
 * expires, its client hash gets a fresh TTL, and expired nodes are removed.
 *
 * KEYS[1] node set, KEYS[2] this node's client hash; ARGV node id, ttlMs.
 * Returns `{'1' if the id was already live before this call else '0', ...live node ids}`.
 */
export const REFRESH_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local previous = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
local live = '0'
if previous ~= nil and previous > now then
  live = '1'
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('PTTL', KEYS[1]) < ttl * 2 then
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
end
redis.call('PEXPIRE', KEYS[2], ttl)
local result = redis.call('ZRANGE', KEYS[1], 0, -1)
table.insert(result, 1, live)
return result
`;

/**
 * A client joined this node: presence entry, TTL, announcement, in one step.
 *
 * KEYS[1] this node's client hash; ARGV client id, entry, ttlMs, channel, message.
 */
export const JOIN_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * A client left this node.
 *
 * KEYS[1] this node's client hash; ARGV client id, channel, message.
 */
export const LEAVE_SCRIPT = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;
