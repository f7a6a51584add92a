/**
 * Lua for the Redis stock gate, one script per operation. Every script touches only the keys of one SKU
 * (KEYS share the `{prefix:sku}` hash tag), so each runs atomically on a single Redis Cluster slot.
 *
 * KEYS[1] stock hash      available / held / sold / restocked counters
 * KEYS[2] holds hash      orderId -> JSON {s = state, q = qty, c = customerId, u = holdUntil ms as a string,
 *                         x = 1 once the hold used its one extension}
 * KEYS[3] expiry zset     orderId scored by holdUntil ms, HELD holds only
 * KEYS[4] customers hash  customerId -> units held + sold (the per-customer limit)
 * KEYS[5] restocks set    applied restock op ids (restock and rebuild only)
 */

const prelude = `
local stock, holds, expiry, customers = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

local function readHold(orderId)
  local raw = redis.call('HGET', holds, orderId)
  if not raw then return nil end
  return cjson.decode(raw)
end

local function writeHold(orderId, hold)
  redis.call('HSET', holds, orderId, cjson.encode(hold))
end

local function releaseHold(orderId, hold)
  redis.call('HINCRBY', stock, 'available', hold.q)
  redis.call('HINCRBY', stock, 'held', -hold.q)
  if redis.call('HINCRBY', customers, hold.c, -hold.q) <= 0 then
    redis.call('HDEL', customers, hold.c)
  end
  hold.s = 'RELEASED'
  writeHold(orderId, hold)
  redis.call('ZREM', expiry, orderId)
end
`;

/**
 * ARGV: orderId, qty, customerId, limitPerCustomer (0 = none), holdUntil ms.
 * Returns {'HELD'} for a new hold, {'EXISTING', state} when the order already has a hold on this SKU, or
 * {'REJECTED', reason}.
 */
export const reserveLua = `${prelude}
local orderId, qty, customerId = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local limit = tonumber(ARGV[4])
local existing = readHold(orderId)
if existing then return {'EXISTING', existing.s} end
local available = tonumber(redis.call('HGET', stock, 'available'))
if not available then return {'REJECTED', 'NOT_ON_SALE'} end
if limit > 0 then
  local owned = tonumber(redis.call('HGET', customers, customerId) or '0')
  if owned + qty > limit then return {'REJECTED', 'LIMIT_EXCEEDED'} end
end
if available < qty then return {'REJECTED', 'SOLD_OUT'} end
redis.call('HINCRBY', stock, 'available', -qty)
redis.call('HINCRBY', stock, 'held', qty)
redis.call('HINCRBY', customers, customerId, qty)
writeHold(orderId, {s = 'HELD', q = qty, c = customerId, u = ARGV[5]})
redis.call('ZADD', expiry, ARGV[5], orderId)
return {'HELD'}
`;

/** ARGV: orderId. Returns {'CHANGED'}, {'UNCHANGED'}, {'BLOCKED', state} or {'UNKNOWN'}. */
export const commitLua = `${prelude}
local orderId = ARGV[1]
local hold = readHold(orderId)
if not hold then return {'UNKNOWN'} end
if hold.s == 'COMMITTED' then return {'UNCHANGED'} end
if hold.s ~= 'HELD' then return {'BLOCKED', hold.s} end
redis.call('HINCRBY', stock, 'held', -hold.q)
redis.call('HINCRBY', stock, 'sold', hold.q)
hold.s = 'COMMITTED'
writeHold(orderId, hold)
redis.call('ZREM', expiry, orderId)
return {'CHANGED'}
`;

/** ARGV: orderId. Returns {'CHANGED'}, {'UNCHANGED'}, {'BLOCKED', state} or {'UNKNOWN'}. */
export const releaseLua = `${prelude}
local orderId = ARGV[1]
local hold = readHold(orderId)
if not hold then return {'UNKNOWN'} end
if hold.s == 'RELEASED' then return {'UNCHANGED'} end
if hold.s ~= 'HELD' then return {'BLOCKED', hold.s} end
releaseHold(orderId, hold)
return {'CHANGED'}
`;

/**
 * ARGV: orderId, grace ms. Gives a live hold its one extension to Redis-now + grace (\`TIME\`, read in the script,
 * like \`expireLua\`). Returns {'EXTENDED', holdUntil ms}, {'KEPT', holdUntil ms} (already lasts the grace, or already
 * extended), {'LAPSED'}, {'BLOCKED', state} or {'UNKNOWN'}.
 */
export const extendLua = `${prelude}
local orderId, grace = ARGV[1], tonumber(ARGV[2])
local hold = readHold(orderId)
if not hold then return {'UNKNOWN'} end
if hold.s ~= 'HELD' then return {'BLOCKED', hold.s} end
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local untilMs = tonumber(hold.u)
if untilMs <= nowMs then return {'LAPSED'} end
if hold.x == 1 or untilMs >= nowMs + grace then return {'KEPT', hold.u} end
hold.u = tostring(nowMs + grace)
hold.x = 1
writeHold(orderId, hold)
redis.call('ZADD', expiry, hold.u, orderId)
return {'EXTENDED', hold.u}
`;

/**
 * ARGV: batch size. Handles up to `batch` entries due at or before the Redis server's time (\`TIME\`, read in the
 * script: the caller's clock decides nothing), bounded so one call never blocks Redis for long; the caller loops
 * while a full batch came back. Reading TIME before writing needs effects replication, the default since Redis 5.
 * Returns {entries handled, {order ids released}}.
 */
export const expireLua = `${prelude}
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', expiry, '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[1]))
local released = {}
for _, orderId in ipairs(due) do
  local hold = readHold(orderId)
  if hold and hold.s == 'HELD' then
    releaseHold(orderId, hold)
    released[#released + 1] = orderId
  else
    redis.call('ZREM', expiry, orderId)
  end
end
return {#due, released}
`;

/**
 * KEYS[1] stock, KEYS[2] restocks. ARGV: qty, opId.
 * Returns {applied (1/0), available, held, sold, restocked}.
 */
export const restockLua = `
local stock, restocks = KEYS[1], KEYS[2]
local applied = redis.call('SADD', restocks, ARGV[2])
if applied == 1 then
  redis.call('HINCRBY', stock, 'available', ARGV[1])
  redis.call('HINCRBY', stock, 'restocked', ARGV[1])
  redis.call('HSETNX', stock, 'held', 0)
  redis.call('HSETNX', stock, 'sold', 0)
end
local v = redis.call('HMGET', stock, 'available', 'held', 'sold', 'restocked')
return {applied, tonumber(v[1]), tonumber(v[2]), tonumber(v[3]), tonumber(v[4])}
`;

/**
 * Replaces everything the gate knows about one SKU with a ledger's state, atomically.
 * KEYS: stock, holds, expiry, customers, restocks.
 * ARGV: available, held, sold, restocked, JSON array of {orderId, s, q, c, u}, JSON array of restock op ids.
 */
export const rebuildLua = `${prelude}
local restocks = KEYS[5]
redis.call('DEL', stock, holds, expiry, customers, restocks)
redis.call('HSET', stock, 'available', ARGV[1], 'held', ARGV[2], 'sold', ARGV[3], 'restocked', ARGV[4])
for _, hold in ipairs(cjson.decode(ARGV[5])) do
  writeHold(hold.orderId, {s = hold.s, q = hold.q, c = hold.c, u = hold.u})
  if hold.s == 'HELD' then redis.call('ZADD', expiry, hold.u, hold.orderId) end
  if hold.s ~= 'RELEASED' then redis.call('HINCRBY', customers, hold.c, hold.q) end
end
for _, opId in ipairs(cjson.decode(ARGV[6])) do
  redis.call('SADD', restocks, opId)
end
return 1
`;
