import { LimitedCartError } from '@limitedcart/core';
import { type Cluster, Redis } from 'ioredis';

/** A standalone client or a Cluster client: every command the adapters send touches one slot. */
export type RedisClient = Redis | Cluster;

/** How an adapter reaches Redis: an existing client (the caller owns it) or a URL (the adapter owns the client). */
export type RedisConnection = { readonly redis: RedisClient; readonly url?: undefined } | { readonly url: string; readonly redis?: undefined };

/** Options every Redis adapter takes. */
export type RedisAdapterOptions = RedisConnection & {
  /**
   * Namespace of every key the adapter writes, e.g. `limitedcart` or a per-test prefix. Must not contain `{` or
   * `}`: the stock gate builds Redis Cluster hash tags around it.
   */
  readonly keyPrefix: string;
};

/** A client plus whether the adapter created it (and so must close it). */
export interface ResolvedClient {
  readonly redis: RedisClient;
  readonly owned: boolean;
}

const PREFIX = /^[^{}\s]{1,100}$/;

export function validateKeyPrefix(keyPrefix: string): string {
  if (!PREFIX.test(keyPrefix)) {
    throw new LimitedCartError('VALIDATION', 'keyPrefix must be 1-100 characters without braces or whitespace', {
      details: { keyPrefix },
    });
  }
  return keyPrefix;
}

/**
 * Uses the caller's client, or creates one for `url` that connects on its first command (adapters do no IO
 * until first use).
 */
export function resolveClient(connection: RedisConnection): ResolvedClient {
  if (connection.redis) return { redis: connection.redis, owned: false };
  if (!connection.url) throw new LimitedCartError('VALIDATION', 'either redis or url is required');
  return { redis: new Redis(connection.url, { lazyConnect: true, maxRetriesPerRequest: 3 }), owned: true };
}

/** Closes an owned client; a borrowed one stays open for its owner. */
export async function closeClient(client: ResolvedClient): Promise<void> {
  if (!client.owned || client.redis.status === 'end') return;
  try {
    await client.redis.quit();
  } catch {
    // A client that never connected (lazyConnect) or already dropped has nothing left to flush.
    client.redis.disconnect();
  }
}

/** Wraps a Redis failure so callers see one error type with the cause kept. */
export function infrastructureError(operation: string, cause: unknown): LimitedCartError {
  return new LimitedCartError('INFRASTRUCTURE', `redis ${operation} failed`, { cause });
}
