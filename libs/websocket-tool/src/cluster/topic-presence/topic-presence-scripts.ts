/**
 * The Lua scripts of topic presence in Redis. Per topic: a hash of its
 * members (client id → member JSON), a sorted set of when each expires (Redis
 * clock), and a hash of members per user; a set lists the topics with members.
 * Every change is one script, so a member leaves once however many nodes
 * find it expired, and the leave is published by whoever removed it.
 *
 * @internal
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Lowers a user's member count, forgetting the user at zero. */
const DROP_USER = `
local function drop_user(users, member)
  if type(member.userId) == 'string' and redis.call('HINCRBY', users, member.userId, -1) <= 0 then
    redis.call('HDEL', users, member.userId)
  end
end
`;

/**
 * Removes the expired members of one topic (at most `limit`), publishing a
 * leave for each; the topic leaves the topic set once it is empty.
 */
const PURGE = `
${DROP_USER}
local function purge(prefix, topic, now, channel, head, limit)
  local hash = prefix .. ':tp:' .. topic
  local zset = prefix .. ':tpx:' .. topic
  local users = prefix .. ':tpu:' .. topic
  local expired = redis.call('ZRANGEBYSCORE', zset, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(expired) do
    redis.call('ZREM', zset, id)
    local m = redis.call('HGET', hash, id)
    if m then
      redis.call('HDEL', hash, id)
      drop_user(users, cjson.decode(m))
      redis.call('PUBLISH', channel, head .. cjson.encode(topic) .. '}\\n' .. m)
    end
  end
  if redis.call('HLEN', hash) == 0 then
    redis.call('SREM', prefix .. ':tp-topics', topic)
    redis.call('DEL', zset, users)
  end
  return #expired
end
`;

/**
 * A member joined: stored, given its expiry, counted under its user, and the
 * join published (not when it only replaced an entry with the same id: a named
 * client that connected again elsewhere).
 *
 * KEYS hash, zset, users, topic set; ARGV client id, member, user id or '', ttlMs, channel, message, topic.
 */
export const PRESENCE_JOIN_SCRIPT = `
${NOW}
local ttl = tonumber(ARGV[4])
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
redis.call('SADD', KEYS[4], ARGV[7])
if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[3], 1) end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl * 3) end
if old then
  local previous = cjson.decode(old)
  if type(previous.userId) == 'string' and redis.call('HINCRBY', KEYS[3], previous.userId, -1) <= 0 then
    redis.call('HDEL', KEYS[3], previous.userId)
  end
  return 0
end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
`;

/**
 * A member left its node: removed only if that node still holds it (a named
 * id taken over by another node stays), and the leave published.
 *
 * KEYS hash, zset, users, topic set; ARGV client id, node, channel, header line, topic.
 */
export const PRESENCE_LEAVE_SCRIPT = `
${DROP_USER}
local m = redis.call('HGET', KEYS[1], ARGV[1])
if not m then return 0 end
local member = cjson.decode(m)
if member.node ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
drop_user(KEYS[3], member)
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[5])
  redis.call('DEL', KEYS[2], KEYS[3])
end
redis.call('PUBLISH', ARGV[3], ARGV[4] .. m)
return 1
`;

/**
 * A node's refresh of its members of one topic: each gets a fresh expiry. A
 * member no longer there (expired while its node could not refresh) is not
 * added back here; its id is returned, and the node joins it again.
 *
 * KEYS hash, zset, users; ARGV ttlMs, client ids... Returns the ids missing.
 */
export const PRESENCE_REFRESH_SCRIPT = `
${NOW}
local ttl = tonumber(ARGV[1])
local missing = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    redis.call('ZADD', KEYS[2], now + ttl, ARGV[i])
  else
    table.insert(missing, ARGV[i])
  end
end
for i = 1, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ttl * 3) end
end
return missing
`;

/**
 * Removes the expired members of every topic with presence (a dead node's).
 *
 * KEYS topic set; ARGV prefix, channel, header start (up to '"t":'), limit per topic. Returns how many left.
 */
export const PRESENCE_SWEEP_SCRIPT = `
${NOW}
${PURGE}
local n = 0
for _, topic in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + purge(ARGV[1], topic, now, ARGV[2], ARGV[3], tonumber(ARGV[4]))
end
return n
`;

/**
 * Reads one topic's members ('m': their JSON) or counts ('s': members,
 * users), after removing the expired ones: an expired member is never read.
 *
 * KEYS the topic's member hash (which routes the script to its slot; the names are built from the prefix);
 * ARGV prefix, channel, header start, limit, topic, mode.
 */
export const PRESENCE_READ_SCRIPT = `
${NOW}
${PURGE}
purge(ARGV[1], ARGV[5], now, ARGV[2], ARGV[3], tonumber(ARGV[4]))
if ARGV[6] == 's' then
  return { redis.call('HLEN', ARGV[1] .. ':tp:' .. ARGV[5]), redis.call('HLEN', ARGV[1] .. ':tpu:' .. ARGV[5]) }
end
return redis.call('HVALS', ARGV[1] .. ':tp:' .. ARGV[5])
`;
