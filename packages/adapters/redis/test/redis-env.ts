import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The Redis these suites run against. Unset in CI is a failure (a suite must not pass by not running);
 * locally the suites skip with the reason printed.
 */
export const redisUrl: string | undefined = process.env.REDIS_URL;

if (redisUrl === undefined) {
  if (process.env.CI) throw new Error('REDIS_URL is not set: the Redis adapter suites need a real Redis');
  console.warn('skipping Redis adapter suites: REDIS_URL is not set (run scripts/services/redis.sh)');
}

/** A key prefix no other test file uses. */
export const uniquePrefix = (name: string): string => `lc-test-${name}-${randomUUID().slice(0, 8)}`;

export const connect = (): Redis => new Redis(redisUrl ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 3 });

/** Every key the adapters wrote under `prefix`: plain keys and hash-tagged per-SKU keys. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/** Deletes everything under `prefix`: what a Redis restart without persistence does to one tenant's data. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  return keys.length;
}
