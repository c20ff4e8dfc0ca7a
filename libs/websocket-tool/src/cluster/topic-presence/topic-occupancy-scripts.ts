/**
 * The Lua scripts of topic occupancy in Redis: per topic a set of the nodes
 * with subscribers (`occ:<topic>`), per node the set of its topics
 * (`occ-node:<node>`), and the set of nodes that have any (`occ-nodes`). Each
 * change is one script, so exactly one node sees the cluster-wide change.
 *
 * A mark (`occ-mark`, a random value the first node writes) tells a node
 * whether the sets are the ones it wrote to: Redis flushed, or restarted
 * without persistence, loses the mark with the sets. A change judged against
 * lost sets would tell a topic occupied that was occupied all along, so the
 * add and remove scripts refuse (-1) until the node has reconciled.
 *
 * @internal
 */

/**
 * KEYS occ:<topic>, occ-node:<node>, occ-nodes, occ-mark; ARGV node, topic, the
 * mark the node knows ('' for none), a fresh mark. Returns 1 when the topic had
 * no node before (0 if it had), or -1 when the mark is not the node's (nothing
 * written), and the mark. A node that knows none (it is starting) takes the
 * one it finds, or writes the first.
 */
export const OCCUPANCY_ADD_SCRIPT = `
local mark = redis.call('GET', KEYS[4])
if ARGV[3] == '' then
  if mark == false then
    mark = ARGV[4]
    redis.call('SET', KEYS[4], mark)
  end
elseif mark ~= ARGV[3] then
  return { -1, mark or '' }
end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 1 then return { 1, mark } end
return { 0, mark }
`;

/**
 * KEYS occ:<topic>, occ-node:<node>, occ-mark; ARGV node, topic, the mark the
 * node knows. Returns 1 when the topic has no node left, -1 when the mark is
 * not the node's (nothing written).
 */
export const OCCUPANCY_REMOVE_SCRIPT = `
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[3] then return -1 end
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 0 then return 1 end
return 0
`;

/**
 * Forgets the nodes no longer in the live node set (dead: their entry
 * expired), topic by topic. KEYS occ-nodes, node set, occ-mark; ARGV prefix,
 * the mark the node knows. Returns the topics left with no node. Does nothing
 * when the mark is not the node's: the node set was lost too, and the live
 * nodes have not all written their entry back yet.
 */
export const OCCUPANCY_SWEEP_SCRIPT = `
if redis.call('GET', KEYS[3]) ~= ARGV[2] then return {} end
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

/**
 * What a node's sweep reads to know whether it must reconcile: KEYS
 * occ-node:<node>, occ-mark. Returns the mark (or '') and how many topics
 * Redis holds for the node.
 */
export const OCCUPANCY_CHECK_SCRIPT = `
return { redis.call('GET', KEYS[2]) or '', redis.call('SCARD', KEYS[1]) }
`;

/**
 * Rewrites a node's topics from what it holds. KEYS occ-node:<node>,
 * occ-nodes, occ-mark; ARGV node, prefix, the mark the node knew ('' for
 * none), a fresh mark, the count J of topics to judge, J topics the node left
 * while the sets were lost, then pairs of a topic the node holds and its
 * state: '1' written (and told), '0' not written yet, 'w' not to be written yet.
 *
 * The sets are intact when the mark is the one the node knew; a node that
 * knew none (it is starting) takes the one it finds, or writes the first. Then a topic this node adds first is
 * told occupied (it was never written, or a sweep took the node for dead and
 * vacated it), a topic it no longer holds is removed and told vacated if it
 * was the last, and a judged topic no node holds is told vacated.
 *
 * Otherwise the sets were lost with the mark: the node writes back only what
 * it had written, silently (it was told when first occupied), and judges
 * nothing: whether a topic was first or last depends on what the other nodes
 * write back, so the node asks again once they have had the time to.
 *
 * Returns the current mark, 1 if the sets were lost (0 if not), the topics to
 * tell occupied and those to tell vacated.
 */
export const OCCUPANCY_RECONCILE_SCRIPT = `
local mark = redis.call('GET', KEYS[3])
local lost = ARGV[3] ~= '' and mark ~= ARGV[3]
if mark == false then
  mark = ARGV[4]
  redis.call('SET', KEYS[3], mark)
end
local judged = tonumber(ARGV[5])
local mine, occupied, vacated = {}, {}, {}
for i = 6 + judged, #ARGV, 2 do
  local topic, state = ARGV[i], ARGV[i + 1]
  mine[topic] = true
  if state == '1' or (state == '0' and not lost) then
    redis.call('SADD', KEYS[2], ARGV[1])
    redis.call('SADD', KEYS[1], topic)
    local key = ARGV[2] .. ':occ:' .. topic
    if redis.call('SADD', key, ARGV[1]) == 1 and redis.call('SCARD', key) == 1 and not lost then table.insert(occupied, topic) end
  end
end
for _, topic in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not mine[topic] then
    redis.call('SREM', KEYS[1], topic)
    local key = ARGV[2] .. ':occ:' .. topic
    if redis.call('SREM', key, ARGV[1]) == 1 and redis.call('SCARD', key) == 0 then table.insert(vacated, topic) end
  end
end
if not lost then
  for i = 6, 5 + judged do
    local topic = ARGV[i]
    if not mine[topic] and redis.call('SCARD', ARGV[2] .. ':occ:' .. topic) == 0 then table.insert(vacated, topic) end
  end
end
return { mark, lost and 1 or 0, occupied, vacated }
`;
