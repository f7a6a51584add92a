/**
 * Sliding-log rate limit on one key (KEYS[1], a sorted set of hit times in microseconds of the Redis server's
 * clock, so every replica of the API counts against the same clock).
 * ARGV: limit, window ms. A denied hit is not recorded, so hammering a closed window does not extend it.
 * Returns {allowed (1/0), remaining, ms until the oldest counted hit leaves the window (0 when none)}.
 * Times are formatted with %.0f: Lua numbers are doubles and default conversion would round them.
 */
export const rateLimitLua = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local windowUs = tonumber(ARGV[2]) * 1000
local time = redis.call('TIME')
local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', nowUs - windowUs))
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, string.format('%.0f', nowUs), string.format('%.0f', nowUs) .. ':' .. count)
  count = count + 1
  allowed = 1
end
local resetMs = 0
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then
  resetMs = math.max(0, math.ceil((tonumber(oldest[2]) + windowUs - nowUs) / 1000))
end
redis.call('PEXPIRE', key, ARGV[2])
return {allowed, limit - count, resetMs}
`;
