import type { DomainEvent } from '../../domain/events.js';
import type { OutboxRecord } from '../../ports/stores.js';

/** The outbox operations a store needs; implemented by the committed log and by a transaction's staging. */
export interface OutboxLog {
  append(events: readonly DomainEvent[]): void;
  claim(limit: number, leaseMs: number, nowMs: number): OutboxRecord[];
  markShipped(positions: readonly number[]): void;
}

interface OutboxRow {
  readonly position: number;
  readonly event: DomainEvent;
  leaseUntil: number;
  shipped: boolean;
}

/**
 * The committed outbox, ordered by position. Shipped rows at the head are dropped, so memory holds only the
 * unshipped backlog (plus shipped rows still waiting behind an unshipped one).
 */
export class CommittedOutboxLog implements OutboxLog {
  readonly #rows: OutboxRow[] = [];
  #nextPosition = 1;

  append(events: readonly DomainEvent[]): void {
    for (const event of events) {
      this.#rows.push({ position: this.#nextPosition++, event: structuredClone(event), leaseUntil: 0, shipped: false });
    }
  }

  claim(limit: number, leaseMs: number, nowMs: number): OutboxRecord[] {
    const claimed: OutboxRecord[] = [];
    for (const row of this.#rows) {
      if (claimed.length >= limit) break;
      if (row.shipped || row.leaseUntil > nowMs) continue;
      row.leaseUntil = nowMs + leaseMs;
      claimed.push({ position: row.position, event: structuredClone(row.event) });
    }
    return claimed;
  }

  markShipped(positions: readonly number[]): void {
    const shipped = new Set(positions);
    for (const row of this.#rows) if (shipped.has(row.position)) row.shipped = true;
    let head = 0;
    while (head < this.#rows.length && this.#rows[head]!.shipped) head++;
    this.#rows.splice(0, head);
  }
}

/**
 * A transaction's outbox: appends are staged and get their positions at commit, so positions follow commit
 * order and a relay never passes over a position that commits later. Claims and acknowledgements are leases
 * on committed rows, not transactional writes: they go straight to the parent.
 */
export class StagedOutboxLog implements OutboxLog {
  readonly #parent: OutboxLog;
  readonly #staged: DomainEvent[] = [];

  constructor(parent: OutboxLog) {
    this.#parent = parent;
  }

  append(events: readonly DomainEvent[]): void {
    for (const event of events) this.#staged.push(structuredClone(event));
  }

  claim(limit: number, leaseMs: number, nowMs: number): OutboxRecord[] {
    return this.#parent.claim(limit, leaseMs, nowMs);
  }

  markShipped(positions: readonly number[]): void {
    this.#parent.markShipped(positions);
  }

  commit(): void {
    this.#parent.append(this.#staged);
  }
}
