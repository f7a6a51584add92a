import type { IdempotencyRecord, IdempotencyStore } from '../../ports/stores.js';
import { MemoryDatabase } from './database.js';
import { copy, requireId, timestamp } from './shared.js';

const recordKey = (scope: string, key: string): string => JSON.stringify([scope, key]);

/** In-memory `IdempotencyStore`. Records are kept for the life of the store. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #db: MemoryDatabase;

  constructor(db: MemoryDatabase = new MemoryDatabase()) {
    this.#db = db;
  }

  async find(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const existing = this.#db.idempotency.get(recordKey(requireId(scope, 'scope'), requireId(key, 'idempotency key')));
    return existing ? copy(existing) : null;
  }

  async claim(
    scope: string,
    key: string,
    requestHash: string,
  ): Promise<{ readonly claimed: true } | { readonly claimed: false; readonly record: IdempotencyRecord }> {
    const id = recordKey(requireId(scope, 'scope'), requireId(key, 'idempotency key'));
    // Look-up and insert run with no await in between: the claim is atomic.
    const existing = this.#db.idempotency.get(id);
    if (existing) return { claimed: false, record: copy(existing) };
    this.#db.idempotency.set(id, { scope, key, requestHash, response: null, createdAt: timestamp(this.#db.clock) });
    return { claimed: true };
  }

  /** Stores the response to replay; a key that is not claimed (abandoned, never claimed) is left unclaimed. */
  async complete(scope: string, key: string, response: { readonly status: number; readonly body: unknown }): Promise<void> {
    const id = recordKey(scope, key);
    const existing = this.#db.idempotency.get(id);
    if (existing) this.#db.idempotency.set(id, { ...existing, response: copy(response) });
  }

  async reclaim(scope: string, key: string, staleAfterMs: number): Promise<boolean> {
    const id = recordKey(requireId(scope, 'scope'), requireId(key, 'idempotency key'));
    const existing = this.#db.idempotency.get(id);
    const now = timestamp(this.#db.clock);
    if (existing === undefined || existing.response !== null || now.getTime() - existing.createdAt.getTime() < staleAfterMs) return false;
    this.#db.idempotency.set(id, { ...existing, createdAt: now });
    return true;
  }

  /** Frees an in-flight claim; a completed response stays replayable. */
  async abandon(scope: string, key: string): Promise<void> {
    const id = recordKey(scope, key);
    if (this.#db.idempotency.get(id)?.response === null) this.#db.idempotency.delete(id);
  }
}
