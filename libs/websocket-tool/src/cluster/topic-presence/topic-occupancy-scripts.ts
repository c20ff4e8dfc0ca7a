/**
 * The Lua scripts of topic occupancy in Redis: per topic a set of the nodes
 * with subscribers (`occ:<topic>`), per node the set of its topics
 * (`occ-node:<node>`), and the set of nodes that have any (`occ-nodes`). Each
 * change is one script, so exactly one node sees the cluster-wide change.
 *
 * @internal
 */

/** KEYS occ:<topic>, occ-node:<node>, occ-nodes; ARGV node, topic. Returns 1 when the topic had no node before. */
export const OCCUPANCY_ADD_SCRIPT = `
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 1 then return 1 end
return 0
`;

/** KEYS occ:<topic>, occ-node:<node>; ARGV node, topic. Returns 1 when the topic has no node left. */
export const OCCUPANCY_REMOVE_SCRIPT = `
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 0 then return 1 end
return 0
`;

/**
 * Forgets the nodes no longer in the live node set (dead: their entry
 * expired), topic by topic. KEYS occ-nodes, node set; ARGV prefix. Returns the
 * topics left with no node.
 */
export const OCCUPANCY_SWEEP_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local vacated = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local score = tonumber(redis.call('ZSCORE', KEYS[2], node))
  if score == nil or score <= now then
    local mine = ARGV[1] .. ':occ-node:' .. node
    for _, topic in ipairs(redis.call('SMEMBERS', mine)) do
      local key = ARGV[1] .. ':occ:' .. topic
      if redis.call('SREM', key, node) == 1 and redis.call('SCARD', key) == 0 then table.insert(vacated, topic) end
    end
    redis.call('DEL', mine)
    redis.call('SREM', KEYS[1], node)
  end
end
return vacated
`;
