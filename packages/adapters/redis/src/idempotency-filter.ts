import type { IdempotencyRecord, IdempotencyStore } from '@limitedcart/core';
import { closeClient, type RedisAdapterOptions, resolveClient, validateKeyPrefix } from './options.js';

export type RedisIdempotencyFilterOptions = RedisAdapterOptions & {
  /** The durable store that holds the records and decides every claim. */
  readonly store: IdempotencyStore;
  /**
   * How long a key is remembered as used. Past it, `find` reports the key as unused without asking the store,
   * so keep it at least as long as clients may retry a request. Default 24 h.
   */
  readonly ttlSeconds?: number;
};

export interface RedisIdempotencyFilter extends IdempotencyStore {
  /** Closes the client the filter opened for `url`; a client passed in stays open for its owner. */
  close(): Promise<void>;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * An `IdempotencyStore` that answers "this key was never used" from Redis. `placeOrder` looks a key up for every
 * attempt it can refuse up front (during a drop: nearly all of them) only to replay an earlier answer under it, and
 * almost every such key is new; this turns that database read into one Redis `EXISTS`.
 *
 * Every claim first marks its key in Redis, then claims it in `store`, so any record the store holds has its
 * mark: a missing mark proves the key unused (for `ttlSeconds`). A mark with no record (the claim failed or was
 * abandoned) only sends `find` on to the store. Claims, completions and abandons are decided by `store` alone, so
 * losing Redis data can never let a request run twice; it can only make `find` miss an old key, and then
 * `placeOrder` answers that attempt on its merits (a refusal) instead of replaying.
 */
export function createRedisIdempotencyFilter(options: RedisIdempotencyFilterOptions): RedisIdempotencyFilter {
  const client = resolveClient(options);
  const { redis } = client;
  const keyPrefix = validateKeyPrefix(options.keyPrefix);
  const ttlSeconds = options.ttlSeconds ?? DAY_SECONDS;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  const { store } = options;
  // JSON keeps any scope/key pair apart (a colon inside a scope cannot forge another pair).
  const markOf = (scope: string, key: string) => `${keyPrefix}:idem:${JSON.stringify([scope, key])}`;

  return {
    // Redis unreachable: the store answers alone. A lookup costs a database read; a claim without its mark is what
    // losing Redis data looks like (a later `find` may miss the key), which the design already allows for.
    async find(scope: string, key: string): Promise<IdempotencyRecord | null> {
      const used = await redis.exists(markOf(scope, key)).catch(() => 1);
      return used === 0 ? null : store.find(scope, key);
    },
    async claim(scope, key, requestHash) {
      await redis.set(markOf(scope, key), '1', 'EX', ttlSeconds).catch(() => undefined);
      return store.claim(scope, key, requestHash);
    },
    complete: (scope, key, response) => store.complete(scope, key, response),
    abandon: (scope, key) => store.abandon(scope, key),
    // The key's mark was set by the claim being taken over (a record implies its mark): the store decides alone.
    reclaim: (scope, key, staleAfterMs) => store.reclaim(scope, key, staleAfterMs),
    close: () => closeClient(client),
  };
}
