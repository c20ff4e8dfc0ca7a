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

/**
 * The start of every topic-history script: Redis's clock in `now`, and the
 * topic's epoch, created (with offset 0 and an empty stream) when the hash is
 * missing: first use, every message expired, FLUSHALL, a Redis restart
 * without persistence. KEYS[1] the topic's hash (`e` epoch, `o` last offset),
 * KEYS[2] its stream; ARGV[1] a fresh epoch, ARGV[2] ttlMs.
 */
const HISTORY_PROLOGUE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', epoch, 'o', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
`;

/**
 * A publish to a topic with history, atomically: the next offset, the stamped
 * frame kept in the stream (entry id `<offset>-0`, field `j` the frame, `x`
 * when it expires; MAXLEN ~ size), both keys' TTL renewed, and the frame
 * published on the cluster channel with a header naming topic, offset and
 * epoch. Redis runs one script at a time, so the stream and the channel
 * carry every topic's messages in one order.
 *
 * ARGV[3] size, ARGV[4] channel, ARGV[5..7] frame head, mid, tail (frame =
 * head .. offset .. mid .. epoch .. tail), ARGV[8] the wire header up to the
 * offset. KEYS[3] is the index of history streams, scored with when each
 * expires. Returns the offset.
 */
export const HISTORY_PUBLISH_SCRIPT =
  HISTORY_PROLOGUE +
  `
local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
local frame = ARGV[5] .. offset .. ARGV[6] .. epoch .. ARGV[7]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], offset .. '-0', 'j', frame, 'x', string.format('%d', now + tonumber(ARGV[2])))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), KEYS[2])
redis.call('PUBLISH', ARGV[4], ARGV[8] .. offset .. ',"e":"' .. epoch .. '"}\\n' .. frame)
return offset
`;

/**
 * A read of a topic's history. ARGV[3] size, ARGV[4] mode: 'r' resume
 * (ARGV[5] since offset or '' for none, ARGV[6] since epoch, ARGV[7] '1' for
 * the latest value when not recovered) or 'a' all kept after ARGV[5] ('' for
 * all). Returns `{epoch, offset, recovered 0/1, frame...}`.
 */
export const HISTORY_READ_SCRIPT =
  HISTORY_PROLOGUE +
  `
local offset = tonumber(redis.call('HGET', KEYS[1], 'o'))
local size = tonumber(ARGV[3])
local out = {epoch, offset, 0}
local function kept(entries, from)
  for i = from, #entries do
    local f = entries[i][2]
    local j, x = nil, 0
    for k = 1, #f, 2 do
      if f[k] == 'j' then j = f[k + 1] elseif f[k] == 'x' then x = tonumber(f[k + 1]) end
    end
    if j == nil or x <= now then return false end
    table.insert(out, j)
  end
  return true
end
if ARGV[4] == 'a' then
  local first = offset - size + 1
  local since = tonumber(ARGV[5])
  if since ~= nil and since + 1 > first then first = since + 1 end
  if first < 1 then first = 1 end
  local entries = redis.call('XRANGE', KEYS[2], first .. '-0', '+')
  for i = 1, #entries do
    local f = entries[i][2]
    local j, x = nil, 0
    for k = 1, #f, 2 do
      if f[k] == 'j' then j = f[k + 1] elseif f[k] == 'x' then x = tonumber(f[k + 1]) end
    end
    if j ~= nil and x > now then table.insert(out, j) end
  end
  out[3] = 1
  return out
end
local since = tonumber(ARGV[5])
if since ~= nil and ARGV[6] == epoch and since >= 0 and since <= offset and since >= offset - size and math.floor(since) == since then
  if since == offset then
    out[3] = 1
    return out
  end
  local entries = redis.call('XRANGE', KEYS[2], (since + 1) .. '-0', '+')
  if #entries == offset - since and kept(entries, 1) then
    out[3] = 1
    return out
  end
  out = {epoch, offset, 0}
end
if ARGV[7] == '1' then
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if #last == 1 then kept(last, 1) end
end
return out
`;

/**
 * The messages the history streams hold: forgets the index entries of
 * streams that expired, then adds up the length of at most ARGV[1] streams.
 * Returns `{messages, streams}`.
 */
export const HISTORY_COUNT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local streams = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local messages = 0
for i = 1, #streams do
  messages = messages + redis.call('XLEN', streams[i])
end
return {messages, #streams}
`;
