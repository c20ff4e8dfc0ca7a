/**
 * The Lua scripts of the offline mailbox over Redis. Each client's mailbox is
 * a list of `<expires ms>|<envelope>`, oldest first, and a counter of what it
 * dropped; both expire `ttlMs` after the last message kept. The scripts read
 * Redis's clock, so nodes whose clocks differ agree on what expired.
 *
 * @internal
 */

/**
 * Keeps one message: drops (and counts) the expired ones at the head, appends,
 * trims to `size` (counting what it pushed out), renews both keys' TTL, and
 * publishes the notice on the cluster channel so the node holding the client,
 * if it connected meanwhile, takes its mailbox again.
 *
 * KEYS[1] list, KEYS[2] dropped counter; ARGV envelope, size, ttlMs, channel, notice. Returns the list's length.
 */
export const MAILBOX_KEEP_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local size = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local dropped = 0
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if not head then break end
  local sep = string.find(head, '|', 1, true)
  if sep == nil or tonumber(string.sub(head, 1, sep - 1)) > now then break end
  redis.call('LPOP', KEYS[1])
  dropped = dropped + 1
end
local len = redis.call('RPUSH', KEYS[1], tostring(now + ttl) .. '|' .. ARGV[1])
if len > size then
  redis.call('LTRIM', KEYS[1], len - size, -1)
  dropped = dropped + len - size
  len = size
end
if dropped > 0 then
  redis.call('INCRBY', KEYS[2], dropped)
end
redis.call('PEXPIRE', KEYS[1], ttl)
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return len
`;

/**
 * Takes a client's mailbox: its messages not expired, in order, and how many
 * it dropped (the expired ones included), deleting both keys.
 *
 * KEYS[1] list, KEYS[2] dropped counter. Returns `{dropped, ...envelopes}`.
 */
export const MAILBOX_TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local dropped = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
redis.call('DEL', KEYS[1], KEYS[2])
local result = {'0'}
for i = 1, #entries do
  local entry = entries[i]
  local sep = string.find(entry, '|', 1, true)
  if sep ~= nil and tonumber(string.sub(entry, 1, sep - 1)) > now then
    table.insert(result, string.sub(entry, sep + 1))
  else
    dropped = dropped + 1
  end
end
result[1] = tostring(dropped)
return result
`;
