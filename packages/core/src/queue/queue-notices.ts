import type { DomainEvent } from '../domain/events.js';
import type { AdmissionQueue } from '../ports/admission-queue.js';
import type { Logger } from '../ports/small-ports.js';
import { estimateWaitSeconds } from './estimates.js';
import { QUEUE_NOTICE_TYPES, QUEUE_ROUND_EVENT, type QueueNoticeType, type QueueRoundPayload } from './queue-events.js';

/** One event for one shopper's stream. `id` is derived from the round's event id: the same on every replica. */
export interface QueueNotice {
  readonly customerId: string;
  readonly id: string;
  readonly type: QueueNoticeType;
  readonly data: Record<string, unknown>;
  /** Positions only: a newer notice with the same key makes this one moot (the stream keeps the latest). */
  readonly supersedes?: string;
}

export interface QueueNoticesOptions {
  readonly queue: Pick<AdmissionQueue, 'position'>;
  /** Signs the token an admitted shopper's event carries (tokens are issued here, never carried on the bus). */
  readonly issueToken: (admission: { customerId: string; dropId: string; admittedUntil: Date }) => Promise<string>;
  readonly logger: Logger;
  /** How long a tracked position is trusted before it is read again. Default 30 s. */
  readonly resyncMs?: number;
  /** How long "not in this queue" is trusted for a connected shopper (they may join on another replica). Default 2 s. */
  readonly absentMs?: number;
  /** Position reads at once when many streams need one. Default 16. */
  readonly readConcurrency?: number;
  /**
   * Position reads per round at most (default 128): the rest wait for the next rounds, so a round's handling stays
   * short however many streams connect at once (a thousand at the draw, say) and rounds do not queue behind it.
   */
  readonly maxReadsPerRound?: number;
  readonly now?: () => number;
}

export interface QueueNotices {
  /**
   * The events one `queue.round` means for shoppers: admitted and lapsed to those it names; to every shopper this
   * process tracks as waiting in the drop (`connected` ones are tracked on demand), their new position or, when the
   * round closed the queue, sold out. With `emit`, the admitted and lapsed events are handed to it at once (an
   * admitted shopper's turn is running); positions that need a read are read in the background, one pass per drop at
   * a time, and handed to `emit` when read; the returned events are the positions moved by the round's arithmetic.
   */
  onRound(event: DomainEvent, connected: Iterable<string>, emit?: (notices: readonly QueueNotice[]) => void): Promise<QueueNotice[]>;
}

interface Tracked {
  /** null: not in this queue (or no position yet, before the draw) as of `syncedAt`. */
  position: number | null;
  waiting: boolean;
  syncedAt: number;
  /** The queue's `abandoned` count when the position was read: while it stays the same, nobody left the line. */
  abandonedAtSync: number;
}

/**
 * Live positions without one bus event per waiting shopper. Each api process keeps, per drop, the positions of the
 * shoppers whose streams it serves: read once from the queue, then moved up by each round's `moved` (admissions
 * take the head of the line, so everyone behind moves up by as many) and read again every `resyncMs` (shoppers ahead
 * who left are not in `moved`), at the draw, and for any shopper the queue has not placed yet. A round therefore costs
 * arithmetic for most streams and a bounded number of reads for the rest. A tracked position is read again only when
 * shoppers left since it was read (the round's `abandoned` count moved): otherwise the arithmetic is exact.
 */
export function createQueueNotices(options: QueueNoticesOptions): QueueNotices {
  const resyncMs = options.resyncMs ?? 30_000;
  const absentMs = options.absentMs ?? 2_000;
  const concurrency = options.readConcurrency ?? 16;
  const maxReads = options.maxReadsPerRound ?? 128;
  const now = options.now ?? Date.now;
  const drops = new Map<string, Map<string, Tracked>>();
  /** Drops whose draw this process has seen: the round that first says `drawn` places everyone at once. */
  const drawn = new Set<string>();
  /** The line's length at each drop's last round: when it grew, someone joined, perhaps a shopper thought absent. */
  const lastWaiting = new Map<string, number>();
  /** Drops with a read pass in flight (background reads, with `emit`). */
  const reading = new Set<string>();

  const trackedOf = (dropId: string): Map<string, Tracked> => {
    let tracked = drops.get(dropId);
    if (!tracked) {
      tracked = new Map();
      drops.set(dropId, tracked);
    }
    return tracked;
  };

  const waitingElsewhere = (customerId: string, dropId: string): boolean => {
    for (const [other, tracked] of drops) if (other !== dropId && tracked.get(customerId)?.waiting) return true;
    return false;
  };

  const read = async (dropId: string, customerIds: readonly string[], tracked: Map<string, Tracked>, abandoned: number): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < customerIds.length) {
        const customerId = customerIds[next++]!;
        try {
          const entry = await options.queue.position(dropId, customerId);
          tracked.set(customerId, { position: entry?.position ?? null, waiting: entry?.state === 'WAITING', syncedAt: now(), abandonedAtSync: abandoned });
        } catch (error) {
          options.logger.warn('reading a queue position failed', { dropId, customerId, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, customerIds.length) }, worker));
  };

  return {
    async onRound(event, connected, emit) {
      if (event.type !== QUEUE_ROUND_EVENT) return [];
      const round = event.payload as QueueRoundPayload;
      const dropId = round.productId;
      const tracked = trackedOf(dropId);
      const notices: QueueNotice[] = [];
      const base = { productId: dropId };

      for (const admission of round.admitted) {
        tracked.delete(admission.customerId);
        const admittedUntil = new Date(admission.admittedUntil);
        const admissionToken = await options.issueToken({ customerId: admission.customerId, dropId, admittedUntil });
        notices.push({
          customerId: admission.customerId,
          id: `${event.id}.admitted`,
          type: QUEUE_NOTICE_TYPES.admitted,
          data: { ...base, admittedUntil: admission.admittedUntil, admissionToken },
        });
      }
      for (const customerId of round.lapsed) {
        tracked.delete(customerId);
        notices.push({ customerId, id: `${event.id}.lapsed`, type: QUEUE_NOTICE_TYPES.lapsed, data: base });
      }
      if (emit && notices.length > 0) emit(notices.splice(0));
      if (round.soldOut) {
        for (const [customerId, entry] of tracked) {
          if (entry.waiting) notices.push({ customerId, id: `${event.id}.sold-out`, type: QUEUE_NOTICE_TYPES.soldOut, data: base });
        }
        drops.delete(dropId);
        drawn.delete(dropId);
        lastWaiting.delete(dropId);
        return notices;
      }

      // Connected shoppers this process does not know about (or knows to be absent for a while) are read; those
      // tracked move up by the round's admissions, and are read again when stale or when the draw just placed them.
      const handled = new Set<string>([...round.admitted.map((a) => a.customerId), ...round.lapsed]);
      const justDrawn = round.drawn && !drawn.has(dropId);
      if (round.drawn) drawn.add(dropId);
      const grew = round.waiting > (lastWaiting.get(dropId) ?? 0);
      lastWaiting.set(dropId, round.waiting);
      const candidates: string[] = [];
      const previous = new Map<string, number | null>();
      for (const customerId of connected) {
        if (handled.has(customerId)) continue;
        const entry = tracked.get(customerId);
        // A shopper waiting in another drop's line is not looked for in this one: two drops at once would otherwise
        // read each other's crowds every round. Such a shopper still gets this drop's admitted, lapsed and sold-out
        // events (named in the round or tracked), and their position here from `GET …/queue/me`.
        if (entry === undefined && waitingElsewhere(customerId, dropId)) continue;
        const age = entry === undefined ? Number.POSITIVE_INFINITY : now() - entry.syncedAt;
        if (entry === undefined || (!entry.waiting && (justDrawn || grew || age >= absentMs))) candidates.push(customerId);
      }
      for (const [customerId, entry] of tracked) {
        if (!entry.waiting || handled.has(customerId)) continue;
        previous.set(customerId, entry.position);
        const due =
          entry.position === null ? round.drawn : now() - entry.syncedAt >= resyncMs && entry.abandonedAtSync !== round.abandoned;
        if (due) candidates.push(customerId);
      }
      // One bounded read pass per drop at a time; a round that finds one still running moves everyone by arithmetic.
      const toRead = new Set(emit && reading.has(dropId) ? [] : candidates.slice(0, maxReads));
      for (const [customerId, entry] of tracked) {
        if (!entry.waiting || entry.position === null || handled.has(customerId) || toRead.has(customerId)) continue;
        entry.position = Math.max(1, entry.position - round.moved);
      }

      const opensAt = new Date(round.opensAt);
      const positions = (include: (customerId: string) => boolean): QueueNotice[] => {
        const out: QueueNotice[] = [];
        for (const [customerId, entry] of tracked) {
          if (!entry.waiting || entry.position === null || handled.has(customerId) || !include(customerId)) continue;
          if (previous.get(customerId) === entry.position) continue;
          out.push({
            customerId,
            id: `${event.id}.position`,
            type: QUEUE_NOTICE_TYPES.position,
            supersedes: `${QUEUE_NOTICE_TYPES.position}:${dropId}`,
            data: {
              ...base,
              position: entry.position,
              waiting: round.waiting,
              estimatedWaitSeconds: estimateWaitSeconds({
                position: entry.position,
                running: round.running,
                admitForSeconds: round.admitForSeconds,
                opensAt,
                now: new Date(round.at),
              }),
            },
          });
        }
        return out;
      };
      const forget = () => {
        // Shoppers no longer waiting (admitted elsewhere, left) are dropped from tracking after their absence expires.
        for (const [customerId, entry] of tracked) {
          if (!entry.waiting && now() - entry.syncedAt >= absentMs * 4) tracked.delete(customerId);
        }
      };

      if (!emit) {
        await read(dropId, [...toRead], tracked, round.abandoned);
        notices.push(...positions(() => true));
        forget();
        return notices;
      }
      // With emit the reads go on in the background: the next rounds' admissions are not held up behind them, and
      // the shoppers read get their position (each once per round, under the round's id) when the reads are done.
      if (toRead.size > 0) {
        reading.add(dropId);
        void read(dropId, [...toRead], tracked, round.abandoned)
          .then(() => {
            if (drops.get(dropId) === tracked) emit(positions((customerId) => toRead.has(customerId)));
          })
          .catch((error: unknown) => options.logger.warn('queue positions could not be sent', { dropId, error }))
          .finally(() => reading.delete(dropId));
      }
      notices.push(...positions((customerId) => !toRead.has(customerId)));
      forget();
      return notices;
    },
  };
}
