/**
 * Lua for the Redis admission queue, one script per operation. Every script touches only the keys of one drop (they
 * share the drop's `{prefix:dropId}` hash tag), so each runs atomically on one Redis Cluster slot, timed by the
 * server's clock (`TIME`).
 *
 * KEYS[1] meta hash       mode, opensAt (ms), drawn (0/1), state (OPEN/SOLD_OUT), nextTicket, used, left, expired
 * KEYS[2] entries hash    customerId -> JSON {s = state, j = joinedAt ms, a = admittedUntil ms} (ms as strings)
 * KEYS[3] waiting zset    customers in line, scored by ticket: ZRANK + 1 is the position
 * KEYS[4] early zset      joins of a raffle before its draw, scored by a random number drawn by the client per join
 * KEYS[5] admitted zset   ADMITTED customers scored by admittedUntil ms
 * KEYS[6] ops hash        applied admit opIds -> JSON [[customerId, admittedUntil ms], ...]
 */
const prelude = `
local meta, entries, waiting, early, admitted, ops = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function fmt(n)
  return string.format('%.0f', n)
end

-- Draws a raffle whose opening has come: the early joins, in the order of their random numbers, take tickets ahead
-- of everyone who joins later.
local function settle(now)
  if redis.call('HGET', meta, 'drawn') ~= '0' then return end
  if now < tonumber(redis.call('HGET', meta, 'opensAt')) then return end
  local nextTicket = tonumber(redis.call('HGET', meta, 'nextTicket'))
  local drawn = redis.call('ZRANGE', early, 0, -1)
  for _, customer in ipairs(drawn) do
    redis.call('ZADD', waiting, nextTicket, customer)
    nextTicket = nextTicket + 1
  end
  redis.call('DEL', early)
  redis.call('HSET', meta, 'drawn', '1', 'nextTicket', fmt(nextTicket))
end

local function readEntry(customer)
  local raw = redis.call('HGET', entries, customer)
  if not raw then return nil end
  return cjson.decode(raw)
end

local function writeEntry(customer, entry)
  redis.call('HSET', entries, customer, cjson.encode(entry))
end

-- {state, position (0 = none), joinedAt ms, admittedUntil ms or ''}
local function view(customer, entry, now)
  local state = entry.s
  local position = 0
  if state == 'ADMITTED' and tonumber(entry.a) <= now then state = 'EXPIRED' end
  if state == 'WAITING' then
    if redis.call('HGET', meta, 'state') == 'SOLD_OUT' then
      state = 'SOLD_OUT'
    else
      local rank = redis.call('ZRANK', waiting, customer)
      if rank then position = rank + 1 end
    end
  end
  return {state, position, entry.j, entry.a or ''}
end

-- {mode, opensAt, state, drawn, lined, admitted, used, abandoned}
local function status(now)
  local m = redis.call('HMGET', meta, 'mode', 'opensAt', 'state', 'drawn', 'used', 'left', 'expired')
  local lined = redis.call('ZCARD', waiting) + redis.call('ZCARD', early)
  local running = redis.call('ZCOUNT', admitted, '(' .. fmt(now), '+inf')
  local lapsed = redis.call('ZCOUNT', admitted, '-inf', fmt(now))
  return {m[1], m[2], m[3], m[4], lined, running, tonumber(m[5]), tonumber(m[6]) + tonumber(m[7]) + lapsed}
end
`;

/** ARGV: mode, opensAt ms. Creates the queue or moves opensAt before the opening. Returns the status. */
export const configureLua = `${prelude}
local now = nowMs()
if redis.call('EXISTS', meta) == 0 then
  local drawn = '0'
  if ARGV[1] == 'fifo' then drawn = '1' end
  redis.call('HSET', meta, 'mode', ARGV[1], 'opensAt', ARGV[2], 'drawn', drawn, 'state', 'OPEN', 'nextTicket', '1',
    'used', '0', 'left', '0', 'expired', '0')
elseif redis.call('HGET', meta, 'state') == 'OPEN' and now < tonumber(redis.call('HGET', meta, 'opensAt')) then
  redis.call('HSET', meta, 'opensAt', ARGV[2])
end
settle(now)
return status(now)
`;

/** No ARGV. Returns the status, or nil without a queue. */
export const statusLua = `${prelude}
if redis.call('EXISTS', meta) == 0 then return false end
local now = nowMs()
settle(now)
return status(now)
`;

/**
 * ARGV: customerId, random draw number (used when the join comes before a raffle's draw).
 * Returns {'JOINED' | 'EXISTING', ...view} or {'NO_QUEUE'} / {'SOLD_OUT'}.
 */
export const joinLua = `${prelude}
if redis.call('EXISTS', meta) == 0 then return {'NO_QUEUE'} end
local customer = ARGV[1]
local now = nowMs()
settle(now)
local existing = readEntry(customer)
if existing then
  local v = view(customer, existing, now)
  return {'EXISTING', v[1], v[2], v[3], v[4]}
end
if redis.call('HGET', meta, 'state') ~= 'OPEN' then return {'SOLD_OUT'} end
local entry = {s = 'WAITING', j = fmt(now)}
writeEntry(customer, entry)
if redis.call('HGET', meta, 'drawn') == '1' then
  local ticket = redis.call('HINCRBY', meta, 'nextTicket', 1) - 1
  redis.call('ZADD', waiting, ticket, customer)
else
  redis.call('ZADD', early, ARGV[2], customer)
end
local v = view(customer, entry, now)
return {'JOINED', v[1], v[2], v[3], v[4]}
`;

/** ARGV: customerId. Returns the view, or nil without an entry. */
export const positionLua = `${prelude}
if redis.call('EXISTS', meta) == 0 then return false end
local now = nowMs()
settle(now)
local entry = readEntry(ARGV[1])
if not entry then return false end
return view(ARGV[1], entry, now)
`;

/**
 * ARGV: count, maxActive (-1 = none), admitForMs, opId.
 * Returns {replayed (0/1), customerId, admittedUntil ms, customerId, admittedUntil ms, ...} in queue order.
 */
export const admitLua = `${prelude}
if redis.call('EXISTS', meta) == 0 then return {0} end
local previous = redis.call('HGET', ops, ARGV[4])
if previous then
  local reply = {1}
  for _, pair in ipairs(cjson.decode(previous)) do
    table.insert(reply, pair[1])
    table.insert(reply, pair[2])
  end
  return reply
end
local now = nowMs()
settle(now)
local room = tonumber(ARGV[1])
local maxActive = tonumber(ARGV[2])
local m = redis.call('HMGET', meta, 'state', 'drawn', 'opensAt')
if m[1] ~= 'OPEN' or m[2] ~= '1' or now < tonumber(m[3]) then
  room = 0
elseif maxActive >= 0 then
  local running = redis.call('ZCOUNT', admitted, '(' .. fmt(now), '+inf')
  room = math.min(room, math.max(0, maxActive - running))
end
local untilMs = fmt(now + tonumber(ARGV[3]))
local chosen = {}
if room > 0 then chosen = redis.call('ZRANGE', waiting, 0, room - 1) end
local record = {}
local reply = {0}
for _, customer in ipairs(chosen) do
  redis.call('ZREM', waiting, customer)
  local entry = readEntry(customer)
  entry.s = 'ADMITTED'
  entry.a = untilMs
  writeEntry(customer, entry)
  redis.call('ZADD', admitted, untilMs, customer)
  table.insert(record, {customer, untilMs})
  table.insert(reply, customer)
  table.insert(reply, untilMs)
end
-- cjson encodes an empty table as {}: an empty record is stored as an empty array literal.
if #record == 0 then
  redis.call('HSET', ops, ARGV[4], '[]')
else
  redis.call('HSET', ops, ARGV[4], cjson.encode(record))
end
return reply
`;

/** ARGV: customerId. Marks a running admission USED. Returns the view, or nil without an entry. */
export const completeLua = `${prelude}
local customer = ARGV[1]
local entry = readEntry(customer)
if not entry then return false end
local now = nowMs()
if entry.s == 'ADMITTED' and tonumber(entry.a) > now then
  entry.s = 'USED'
  writeEntry(customer, entry)
  redis.call('ZREM', admitted, customer)
  redis.call('HINCRBY', meta, 'used', 1)
end
return view(customer, entry, now)
`;

/** ARGV: customerId. A waiting shopper of an open queue or a running admission leaves. Returns the view or nil. */
export const leaveLua = `${prelude}
local customer = ARGV[1]
local entry = readEntry(customer)
if not entry then return false end
local now = nowMs()
local waitingInOpen = entry.s == 'WAITING' and redis.call('HGET', meta, 'state') == 'OPEN'
local running = entry.s == 'ADMITTED' and tonumber(entry.a) > now
if waitingInOpen or running then
  redis.call('ZREM', waiting, customer)
  redis.call('ZREM', early, customer)
  redis.call('ZREM', admitted, customer)
  entry.s = 'LEFT'
  writeEntry(customer, entry)
  redis.call('HINCRBY', meta, 'left', 1)
end
return view(customer, entry, now)
`;

/** ARGV: batch size. Marks lapsed admissions EXPIRED, a batch at a time. Returns the customers. */
export const expireLua = `${prelude}
local now = nowMs()
local lapsed = redis.call('ZRANGEBYSCORE', admitted, '-inf', fmt(now), 'LIMIT', 0, tonumber(ARGV[1]))
for _, customer in ipairs(lapsed) do
  redis.call('ZREM', admitted, customer)
  local entry = readEntry(customer)
  entry.s = 'EXPIRED'
  writeEntry(customer, entry)
end
if #lapsed > 0 then redis.call('HINCRBY', meta, 'expired', #lapsed) end
return lapsed
`;

/** No ARGV. Ends the queue sold out. Returns the status, or nil without a queue. */
export const closeLua = `${prelude}
if redis.call('EXISTS', meta) == 0 then return false end
local now = nowMs()
settle(now)
redis.call('HSET', meta, 'state', 'SOLD_OUT')
return status(now)
`;
