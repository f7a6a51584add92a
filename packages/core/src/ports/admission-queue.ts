import { validationError } from '../domain/errors.js';

/**
 * How a drop's waiting room orders the shoppers who join it.
 * - `raffle-then-fifo`: shoppers who join before `opensAt` are ordered by a random draw at the opening (arriving
 *   early gives no edge beyond being in the draw); shoppers who join later queue behind them in order of arrival.
 * - `fifo`: everyone in order of arrival, also before the opening.
 */
export type AdmissionQueueMode = 'raffle-then-fifo' | 'fifo';

export const ADMISSION_QUEUE_MODES: readonly AdmissionQueueMode[] = ['raffle-then-fifo', 'fifo'];

export interface AdmissionQueueSettings {
  /** When admission may begin; in `raffle-then-fifo` the draw happens at this instant (of the queue's clock). */
  readonly opensAt: Date;
  readonly mode: AdmissionQueueMode;
}

/** `OPEN` admits shoppers; `SOLD_OUT` is final: nobody else joins or is admitted. */
export type AdmissionQueueState = 'OPEN' | 'SOLD_OUT';

/**
 * Where one shopper stands.
 * - `WAITING`: in line (`position` is their place, or null before a raffle's draw).
 * - `ADMITTED`: may buy until `admittedUntil`.
 * - `USED`: was admitted and placed an order (`complete`).
 * - `EXPIRED`: was admitted and let `admittedUntil` pass without ordering; the turn went to the next shopper.
 * - `LEFT`: left the line (or the buy step) on their own.
 * - `SOLD_OUT`: was still waiting when the queue closed sold out.
 *
 * `EXPIRED`, `LEFT`, `USED` and `SOLD_OUT` are final: a customer has one entry per drop, and joining again returns it.
 */
export type AdmissionEntryState = 'WAITING' | 'ADMITTED' | 'USED' | 'EXPIRED' | 'LEFT' | 'SOLD_OUT';

export interface AdmissionEntry {
  readonly dropId: string;
  readonly customerId: string;
  readonly state: AdmissionEntryState;
  /**
   * 1-based place among the shoppers still waiting: dense (1..waiting) and stable (it only ever decreases, as
   * shoppers ahead are admitted or leave). null unless `WAITING`, and before the draw of a raffle.
   */
  readonly position: number | null;
  readonly joinedAt: Date;
  /** When the admission lapses (`ADMITTED`), or lapsed (`USED`, `EXPIRED`, and `LEFT` after an admission); else null. */
  readonly admittedUntil: Date | null;
}

/** A drop's queue as a whole, for the admitter, the admin view and the waiting room's "N ahead of you". */
export interface AdmissionQueueStatus {
  readonly dropId: string;
  readonly mode: AdmissionQueueMode;
  readonly opensAt: Date;
  readonly state: AdmissionQueueState;
  /** Whether the order of the line is settled: always in `fifo`; from the opening on in `raffle-then-fifo`. */
  readonly drawn: boolean;
  readonly waiting: number;
  /** Admissions still running (ADMITTED, not yet past `admittedUntil`). */
  readonly admitted: number;
  readonly used: number;
  /** Shoppers who left, or whose admission lapsed unused. */
  readonly abandoned: number;
  /** Shoppers still waiting when the queue closed sold out (0 while it is open). */
  readonly turnedAway: number;
}

export type JoinQueueResult =
  | {
      readonly ok: true;
      /** false when the customer already had an entry: it is returned unchanged. */
      readonly joined: boolean;
      readonly entry: AdmissionEntry;
    }
  | { readonly ok: false; readonly reason: 'NO_QUEUE' | 'SOLD_OUT' };

export interface AdmitRequest {
  readonly dropId: string;
  /** Admit at most this many of the next waiting shoppers (a non-negative integer). */
  readonly count: number;
  /**
   * Never let the running admissions (`status().admitted`) exceed this, counted in the same atomic step as the
   * admission, so admitters in several processes cannot overshoot together. Omitted: no such bound.
   */
  readonly maxActive?: number;
  /** How long each admission lasts unused before it lapses (a positive integer of ms, by the queue's clock). */
  readonly admitForMs: number;
  /** Idempotency key: repeating an admit with its opId admits nobody more and returns the first call's admissions. */
  readonly opId: string;
}

export interface Admission {
  readonly customerId: string;
  readonly admittedUntil: Date;
}

export interface AdmitResult {
  /** In queue order. */
  readonly admitted: readonly Admission[];
  /** true when this opId had been applied before. */
  readonly replayed: boolean;
}

/**
 * The waiting room of drops: who is in line for which drop, in which order, and who may buy now. Every operation
 * is atomic in the backend and goes by the queue's own clock (the database's, Redis's `TIME`, an injected `Clock` in
 * process), never the caller's. A raffle is drawn by the first operation on its queue at or after `opensAt`.
 *
 * Ids are non-empty strings; counts and durations are integers. Bad input throws `LimitedCartError('VALIDATION')`.
 * Business outcomes (no queue, sold out) are results, never errors.
 */
export interface AdmissionQueue {
  /**
   * Creates the drop's queue. On an existing queue it moves `opensAt` while the queue has not opened yet (by its
   * clock); the mode is fixed at creation, and an opened queue keeps its settings. Returns the settings in force, so
   * repeating a call is harmless.
   */
  configure(dropId: string, settings: AdmissionQueueSettings): Promise<AdmissionQueueStatus>;
  /** Puts the customer in line, once: a second join (also a concurrent one) returns the existing entry. */
  join(dropId: string, customerId: string): Promise<JoinQueueResult>;
  /** The customer's entry, or null when they never joined (or the drop has no queue). */
  position(dropId: string, customerId: string): Promise<AdmissionEntry | null>;
  /**
   * Admits the next waiting shoppers in queue order, as many as `count` and `maxActive` allow. Nobody is admitted
   * before `opensAt` or once the queue is sold out. A drop without a queue admits nobody.
   */
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /**
   * The admitted customer placed an order: the admission is used (`USED`) and stops counting as running. An entry in
   * any other state is returned unchanged (a lapsed admission stays lapsed); null without an entry.
   */
  complete(dropId: string, customerId: string): Promise<AdmissionEntry | null>;
  /** Leaves the line or gives up an admission (`LEFT`); a final entry is returned unchanged; null without an entry. */
  leave(dropId: string, customerId: string): Promise<AdmissionEntry | null>;
  /**
   * Marks every admission of the drop whose `admittedUntil` has passed `EXPIRED` and returns those customers. Lapsed
   * admissions stop counting as running at `admittedUntil` whether or not this ran; it settles their state.
   */
  expire(dropId: string): Promise<string[]>;
  /**
   * Ends the queue sold out: waiting shoppers are turned away (`SOLD_OUT`), nobody joins or is admitted any more;
   * running admissions keep their turn until they lapse. Idempotent. null for a drop without a queue. (Not `close`:
   * that name is the engine's lifecycle hook.)
   */
  closeSoldOut(dropId: string): Promise<AdmissionQueueStatus | null>;
  /** The queue's settings and counts; null for a drop without a queue. */
  status(dropId: string): Promise<AdmissionQueueStatus | null>;
}

const MAX_ID_LENGTH = 200;

const requireQueueId = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH) {
    throw validationError(`${field} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`, { field });
  }
  return value;
};

/**
 * The input checks every `AdmissionQueue` applies before any IO, shared so all implementations refuse the same
 * things: a drop or customer id that is empty or longer than 200 characters, settings without a valid date or mode,
 * an admit with a negative or fractional count or bound, a non-positive duration or an empty opId.
 */
export const admissionQueueInput = {
  drop(dropId: unknown): void {
    requireQueueId(dropId, 'dropId');
  },
  entry(dropId: unknown, customerId: unknown): void {
    requireQueueId(dropId, 'dropId');
    requireQueueId(customerId, 'customerId');
  },
  settings(dropId: unknown, settings: AdmissionQueueSettings): void {
    requireQueueId(dropId, 'dropId');
    if (typeof settings !== 'object' || settings === null) throw validationError('settings must be an object', { field: 'settings' });
    if (!(settings.opensAt instanceof Date) || Number.isNaN(settings.opensAt.getTime())) {
      throw validationError('settings.opensAt must be a valid Date', { field: 'settings.opensAt' });
    }
    if (!ADMISSION_QUEUE_MODES.includes(settings.mode)) {
      throw validationError(`settings.mode must be one of ${ADMISSION_QUEUE_MODES.join(', ')}`, { field: 'settings.mode' });
    }
  },
  admit(request: AdmitRequest): void {
    if (typeof request !== 'object' || request === null) throw validationError('admit request must be an object', { field: 'request' });
    requireQueueId(request.dropId, 'dropId');
    requireQueueId(request.opId, 'opId');
    const integer = (value: unknown, field: string, min: number): void => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
        throw validationError(`${field} must be an integer of at least ${min}`, { field, value });
      }
    };
    integer(request.count, 'count', 0);
    if (request.maxActive !== undefined) integer(request.maxActive, 'maxActive', 0);
    integer(request.admitForMs, 'admitForMs', 1);
  },
};
