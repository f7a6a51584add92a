import { validationError } from '../../domain/errors.js';
import type { DomainEvent } from '../../domain/events.js';
import type { OutboxRecord, OutboxStore } from '../../ports/stores.js';
import { MemoryDatabase, type MemoryScope } from './database.js';
import { requireId } from './shared.js';

/**
 * In-memory `OutboxStore`. Positions start at 1 and grow with every committed append; an append inside a
 * unit of work gets its positions when the unit commits.
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly #scope: MemoryScope;

  constructor(scope: MemoryScope = new MemoryDatabase()) {
    this.#scope = scope;
  }

  async append(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      requireId(event.id, 'event id');
      requireId(event.topic, 'event topic');
      requireId(event.aggregateId, 'event aggregateId');
    }
    await this.#scope.write(() => this.#scope.tables.outbox.append(events));
  }

  async claimUnshipped(limit: number, leaseMs: number): Promise<readonly OutboxRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw validationError('limit must be an integer ≥ 1', { limit });
    if (!Number.isFinite(leaseMs) || leaseMs < 0) throw validationError('leaseMs must be ≥ 0', { leaseMs });
    const nowMs = this.#scope.clock.now().getTime();
    return this.#scope.write(() => this.#scope.tables.outbox.claim(limit, leaseMs, nowMs));
  }

  async markShipped(positions: readonly number[]): Promise<void> {
    if (positions.length === 0) return;
    await this.#scope.write(() => this.#scope.tables.outbox.markShipped(positions));
  }
}
