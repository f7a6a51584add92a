import { randomInt } from 'node:crypto';
import {
  type AdmissionEntry,
  type AdmissionQueue,
  type AdmissionQueueMode,
  type AdmissionQueueState,
  type AdmissionQueueStatus,
  admissionQueueInput as input,
  LimitedCartError,
} from '@limitedcart/core';
import { defineLuaScript } from './lua-script.js';
import { admitLua, closeLua, completeLua, configureLua, expireLua, joinLua, leaveLua, positionLua, statusLua } from './lua/admission-queue.js';
import { closeClient, infrastructureError, type RedisAdapterOptions, resolveClient, validateKeyPrefix } from './options.js';
import { hashTag } from './stock-keys.js';

/** Core's `AdmissionQueue` on Redis, plus `close` for a client it created. */
export interface RedisAdmissionQueue extends AdmissionQueue {
  /** Closes the client the queue opened for `url`; a client passed in stays open for its owner. */
  close(): Promise<void>;
}

export type RedisAdmissionQueueOptions = RedisAdapterOptions & {
  /** Lapsed admissions settled per script call by `expire`; bounds how long one call occupies Redis. Default 500. */
  readonly expireBatchSize?: number;
};

type EntryReply = [AdmissionEntry['state'], number, string, string];
type StatusReply = [AdmissionQueueMode, string, AdmissionQueueState, '0' | '1', number, number, number, number];

/**
 * A drop's keys. They share the drop's hash tag, which is the stock gate's tag of the SKU with the same id (a drop's
 * id is its product's, and a product's SKU is its id unless mapped otherwise): one slot per drop in a Cluster.
 */
const queueKeys = (prefix: string, dropId: string): string[] => {
  const tag = hashTag(prefix, dropId);
  return ['meta', 'entries', 'waiting', 'early', 'admitted', 'ops'].map((part) => `${tag}:queue:${part}`);
};

const toEntry = (dropId: string, customerId: string, [state, position, joinedAt, admittedUntil]: EntryReply): AdmissionEntry => ({
  dropId,
  customerId,
  state,
  position: position > 0 ? position : null,
  joinedAt: new Date(Number(joinedAt)),
  admittedUntil: admittedUntil === '' ? null : new Date(Number(admittedUntil)),
});

const toStatus = (dropId: string, [mode, opensAt, state, drawn, lined, admitted, used, abandoned]: StatusReply): AdmissionQueueStatus => {
  const open = state === 'OPEN';
  return {
    dropId,
    mode,
    opensAt: new Date(Number(opensAt)),
    state,
    drawn: drawn === '1',
    waiting: open ? lined : 0,
    admitted,
    used,
    abandoned,
    turnedAway: open ? 0 : lined,
  };
};

/**
 * The waiting room on Redis: sorted sets (the line scored by ticket, running admissions by their deadline) and one
 * Lua script per operation, so every decision — the raffle's draw, a join's ticket, an admission within `maxActive`,
 * an opId seen before — is atomic and timed by the server's clock.
 */
export function createRedisAdmissionQueue(options: RedisAdmissionQueueOptions): RedisAdmissionQueue {
  const prefix = validateKeyPrefix(options.keyPrefix);
  const client = resolveClient(options);
  const expireBatch = options.expireBatchSize ?? 500;
  const define = (name: string, lua: string) => defineLuaScript(client.redis, `queue_${name}`, lua);
  const scripts = {
    configure: define('configure', configureLua),
    status: define('status', statusLua),
    join: define('join', joinLua),
    position: define('position', positionLua),
    admit: define('admit', admitLua),
    complete: define('complete', completeLua),
    leave: define('leave', leaveLua),
    expire: define('expire', expireLua),
    close: define('close', closeLua),
  };

  const run = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof LimitedCartError) throw error;
      throw infrastructureError(`admission queue ${operation}`, error);
    }
  };

  const entryScript = (operation: 'position' | 'complete' | 'leave', dropId: string, customerId: string) =>
    run(operation, async () => {
      input.entry(dropId, customerId);
      const reply = (await scripts[operation](queueKeys(prefix, dropId), [customerId])) as EntryReply | null;
      return reply ? toEntry(dropId, customerId, reply) : null;
    });

  const statusScript = (operation: 'status' | 'close', dropId: string) =>
    run(operation, async () => {
      input.drop(dropId);
      const reply = (await scripts[operation](queueKeys(prefix, dropId), [])) as StatusReply | null;
      return reply ? toStatus(dropId, reply) : null;
    });

  return {
    configure: (dropId, settings) =>
      run('configure', async () => {
        input.settings(dropId, settings);
        const reply = (await scripts.configure(queueKeys(prefix, dropId), [settings.mode, settings.opensAt.getTime()])) as StatusReply;
        return toStatus(dropId, reply);
      }),

    join: (dropId, customerId) =>
      run('join', async () => {
        input.entry(dropId, customerId);
        // The raffle's randomness comes from here (a CSPRNG), not from Lua, whose generator is not for draws.
        const draw = randomInt(2 ** 47);
        const reply = (await scripts.join(queueKeys(prefix, dropId), [customerId, draw])) as
          | ['NO_QUEUE' | 'SOLD_OUT']
          | ['JOINED' | 'EXISTING', ...EntryReply];
        const [outcome, ...entry] = reply;
        if (outcome === 'NO_QUEUE' || outcome === 'SOLD_OUT') return { ok: false, reason: outcome };
        return { ok: true, joined: outcome === 'JOINED', entry: toEntry(dropId, customerId, entry as EntryReply) };
      }),

    position: (dropId, customerId) => entryScript('position', dropId, customerId),

    admit: (request) =>
      run('admit', async () => {
        input.admit(request);
        const [replayed, ...pairs] = (await scripts.admit(queueKeys(prefix, request.dropId), [
          request.count,
          request.maxActive ?? -1,
          request.admitForMs,
          request.opId,
        ])) as [number, ...string[]];
        const admitted = [];
        for (let i = 0; i < pairs.length; i += 2) admitted.push({ customerId: pairs[i]!, admittedUntil: new Date(Number(pairs[i + 1])) });
        return { admitted, replayed: replayed === 1 };
      }),

    complete: (dropId, customerId) => entryScript('complete', dropId, customerId),
    leave: (dropId, customerId) => entryScript('leave', dropId, customerId),

    expire: (dropId) =>
      run('expire', async () => {
        input.drop(dropId);
        const lapsed: string[] = [];
        for (;;) {
          const batch = (await scripts.expire(queueKeys(prefix, dropId), [expireBatch])) as string[];
          lapsed.push(...batch);
          if (batch.length < expireBatch) return lapsed;
        }
      }),

    closeSoldOut: (dropId) => statusScript('close', dropId),
    status: (dropId) => statusScript('status', dropId),
    close: () => closeClient(client),
  };
}
