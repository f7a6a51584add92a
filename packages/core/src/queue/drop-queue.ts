import { notFound, validationError } from '../domain/errors.js';
import type {
  AdmissionEntry,
  AdmissionEntryState,
  AdmissionQueue,
  AdmissionQueueMode,
  AdmissionQueueState,
  AdmissionQueueStatus,
} from '../ports/admission-queue.js';
import { ADMISSION_QUEUE_MODES } from '../ports/admission-queue.js';
import {
  type AddressEntries,
  DEFAULT_DROP_QUEUE_POLICY,
  type DropQueuePolicy,
  type QueueSettingsStore,
} from '../ports/queue-settings.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { Clock } from '../ports/small-ports.js';
import type { ProductStore } from '../ports/stores.js';
import { requireDate, requireObject, requireOneOf, requireString } from '../use-cases/validate.js';
import type { AdmissionTokens } from './admission-tokens.js';
import { estimateWaitSeconds, nextPollSeconds } from './estimates.js';
import type { SharedReads } from './shared-reads.js';

export interface DropQueueDeps {
  readonly admissionQueue: AdmissionQueue;
  readonly queueSettings: QueueSettingsStore;
  readonly products: Pick<ProductStore, 'get'>;
  readonly clock: Clock;
  readonly tokens: AdmissionTokens;
  /** Counts each solved proof of work once, so one solution cannot serve many accounts. */
  readonly rateLimiter: RateLimiter;
  /**
   * The status and policy shown on shoppers' tickets, from one recent read per drop (`createSharedReads`); without
   * them every ticket reads both. Admins, the admitter and every decision read the queue itself.
   */
  readonly shopperReads?: {
    readonly status: SharedReads<AdmissionQueueStatus | null>;
    readonly policy: SharedReads<DropQueuePolicy>;
  };
}

/** A drop's queue as anyone may see it. */
export interface DropQueueView {
  readonly productId: string;
  readonly mode: AdmissionQueueMode;
  readonly opensAt: Date;
  readonly state: AdmissionQueueState;
  readonly drawn: boolean;
  readonly waiting: number;
  readonly admitted: number;
  /** The proof of work a join needs; null: none. */
  readonly proofOfWork: { readonly difficulty: number } | null;
  readonly serverTime: Date;
}

/** The admin view: counts, policy and the addresses with the most entries. */
export interface DropQueueAdminView extends DropQueueView {
  readonly used: number;
  readonly abandoned: number;
  readonly turnedAway: number;
  readonly admitForSeconds: number;
  readonly abandonmentMargin: number;
  readonly maxEntriesPerAddress: number | null;
  readonly suspiciousAddresses: readonly AddressEntries[];
}

/** Where one shopper stands, with what the waiting room shows and polls by. */
export interface QueueTicket {
  readonly productId: string;
  readonly state: AdmissionEntryState;
  readonly position: number | null;
  readonly waiting: number;
  /** When a raffle not drawn yet is drawn (its opening); else null. */
  readonly drawAt: Date | null;
  readonly estimatedWaitSeconds: number | null;
  readonly admittedUntil: Date | null;
  /** The signed admission token, only while `ADMITTED`. */
  readonly admissionToken: string | null;
  readonly nextPollSeconds: number;
  readonly serverTime: Date;
}

export interface QueueShopperInput {
  readonly customerId: string;
  readonly productId: string;
}

export interface JoinDropQueueInput extends QueueShopperInput {
  /** The client's network address, counted against the drop's `maxEntriesPerAddress`. */
  readonly clientAddress?: string;
  /**
   * The proof of work sent with the join, as the edge checked it: `valid`, `invalid`, or undefined when none was
   * sent. Only drops that require one look at it.
   */
  readonly proofOfWork?: 'valid' | 'invalid';
  /** What identifies the solved challenge (its signature): a solution is accepted once. */
  readonly proofOfWorkId?: string;
}

export type JoinDropQueueResult =
  | { readonly ok: true; readonly joined: boolean; readonly ticket: QueueTicket }
  | {
      readonly ok: false;
      readonly reason: 'NO_QUEUE' | 'SOLD_OUT' | 'ADDRESS_CAP' | 'PROOF_OF_WORK_REQUIRED' | 'PROOF_OF_WORK_INVALID';
    };

export interface ConfigureDropQueueInput {
  readonly productId: string;
  readonly opensAt: Date;
  readonly mode: AdmissionQueueMode;
  readonly admitForSeconds?: number;
  readonly abandonmentMargin?: number;
  /** null turns proof of work off; undefined keeps what was set. */
  readonly proofOfWork?: { readonly difficulty: number } | null;
  /** null removes the cap; undefined keeps what was set. */
  readonly maxEntriesPerAddress?: number | null;
}

/** Largest proof-of-work difficulty: the solver's counter is a 32-bit integer. */
export const MAX_PROOF_OF_WORK_DIFFICULTY = 10_000_000;
const SUSPICIOUS_ENTRIES = 2;
/** How long a used proof of work is remembered: longer than a challenge is valid. */
const PROOF_OF_WORK_MEMORY_MS = 3_600_000;
const SUSPICIOUS_LIMIT = 20;

const policyOf = async (deps: DropQueueDeps, productId: string): Promise<DropQueuePolicy> =>
  (await deps.queueSettings.get(productId)) ?? DEFAULT_DROP_QUEUE_POLICY;

/** What a shopper's ticket shows of the drop: the shared recent read when there is one. */
const shopperView = (deps: DropQueueDeps, productId: string): Promise<[AdmissionQueueStatus | null, DropQueuePolicy]> =>
  Promise.all([
    deps.shopperReads ? deps.shopperReads.status.get(productId) : deps.admissionQueue.status(productId),
    deps.shopperReads ? deps.shopperReads.policy.get(productId) : policyOf(deps, productId),
  ]);

const viewOf = (status: AdmissionQueueStatus, policy: DropQueuePolicy, now: Date): DropQueueView => ({
  productId: status.dropId,
  mode: status.mode,
  opensAt: status.opensAt,
  state: status.state,
  drawn: status.drawn,
  waiting: status.waiting,
  admitted: status.admitted,
  proofOfWork: policy.proofOfWork,
  serverTime: now,
});

const shopper = (input: QueueShopperInput): QueueShopperInput => {
  const value = requireObject(input, 'input');
  return {
    customerId: requireString(value.customerId, 'customerId', { maxLength: 200 }),
    productId: requireString(value.productId, 'productId', { maxLength: 200 }),
  };
};

/** The public view of a drop's queue; null when the drop has none. */
export async function getDropQueue(deps: DropQueueDeps, productId: string): Promise<DropQueueView | null> {
  const id = requireString(productId, 'productId', { maxLength: 200 });
  const [status, policy] = await shopperView(deps, id);
  return status && viewOf(status, policy, deps.clock.now());
}

/** The ticket of an entry, with the queue's counts and, for a running admission, its token. */
async function ticketOf(deps: DropQueueDeps, entry: AdmissionEntry, status: AdmissionQueueStatus | null, policy: DropQueuePolicy): Promise<QueueTicket> {
  const now = deps.clock.now();
  const opensAt = status?.opensAt ?? now;
  const admitted = entry.state === 'ADMITTED' && entry.admittedUntil !== null;
  return {
    productId: entry.dropId,
    state: entry.state,
    position: entry.position,
    waiting: status?.waiting ?? 0,
    drawAt: entry.state === 'WAITING' && entry.position === null && status?.mode === 'raffle-then-fifo' && !status.drawn ? status.opensAt : null,
    estimatedWaitSeconds:
      entry.state === 'WAITING'
        ? estimateWaitSeconds({ position: entry.position, running: status?.admitted ?? 0, admitForSeconds: policy.admitForSeconds, opensAt, now })
        : null,
    admittedUntil: entry.admittedUntil,
    admissionToken: admitted
      ? await deps.tokens.issue({ customerId: entry.customerId, dropId: entry.dropId, admittedUntil: entry.admittedUntil! })
      : null,
    nextPollSeconds: nextPollSeconds({ state: entry.state, position: entry.position, admitForSeconds: policy.admitForSeconds, opensAt, now }),
    serverTime: now,
  };
}

/** The caller's ticket; null when they are not in the drop's queue (or it has none). */
export async function getQueueTicket(deps: DropQueueDeps, input: QueueShopperInput): Promise<QueueTicket | null> {
  const { customerId, productId } = shopper(input);
  // The position first: the first question after the opening draws the raffle, which the status then reflects.
  const entry = await deps.admissionQueue.position(productId, customerId);
  if (entry === null) return null;
  const [status, policy] = await shopperView(deps, productId);
  return ticketOf(deps, entry, status, policy);
}

/**
 * Puts the caller in the drop's line once. A repeated join returns the entry it has, whatever its state, without
 * asking for proof of work or counting the address again. A new entry needs the drop's proof of work (checked at the
 * edge) and a free slot of the client address.
 */
export async function joinDropQueue(deps: DropQueueDeps, input: JoinDropQueueInput): Promise<JoinDropQueueResult> {
  const { customerId, productId } = shopper(input);
  const address = input.clientAddress === undefined ? undefined : requireString(input.clientAddress, 'clientAddress', { maxLength: 100 });
  const existing = await deps.admissionQueue.position(productId, customerId);
  const [status, policy] = await shopperView(deps, productId);
  if (existing !== null) return { ok: true, joined: false, ticket: await ticketOf(deps, existing, status, policy) };
  if (status === null) return { ok: false, reason: 'NO_QUEUE' };
  if (status.state === 'SOLD_OUT') return { ok: false, reason: 'SOLD_OUT' };
  if (policy.proofOfWork !== null && input.proofOfWork !== 'valid') {
    return { ok: false, reason: input.proofOfWork === 'invalid' ? 'PROOF_OF_WORK_INVALID' : 'PROOF_OF_WORK_REQUIRED' };
  }
  if (policy.proofOfWork !== null && input.proofOfWorkId !== undefined) {
    const first = await deps.rateLimiter.hit(`queue:pow:${productId}:${input.proofOfWorkId}`, 1, PROOF_OF_WORK_MEMORY_MS);
    if (!first.allowed) return { ok: false, reason: 'PROOF_OF_WORK_INVALID' };
  }
  if (address !== undefined && !(await deps.queueSettings.countAddress(productId, address, policy.maxEntriesPerAddress))) {
    return { ok: false, reason: 'ADDRESS_CAP' };
  }
  const joined = await deps.admissionQueue.join(productId, customerId);
  // A concurrent join of the same customer won: its address was counted already.
  if (address !== undefined && !(joined.ok && joined.joined)) await deps.queueSettings.uncountAddress(productId, address);
  if (!joined.ok) return joined;
  // The line as it was read before this join, counting the new entry: the count on a ticket is for show.
  const after = status && joined.joined && joined.entry.state === 'WAITING' ? { ...status, waiting: status.waiting + 1 } : status;
  return { ok: true, joined: joined.joined, ticket: await ticketOf(deps, joined.entry, after, policy) };
}

/** Leaves the line (or gives up a running admission); null when the caller is not in the drop's queue. */
export async function leaveDropQueue(deps: DropQueueDeps, input: QueueShopperInput): Promise<QueueTicket | null> {
  const { customerId, productId } = shopper(input);
  const entry = await deps.admissionQueue.leave(productId, customerId);
  if (entry === null) return null;
  const [status, policy] = await shopperView(deps, productId);
  return ticketOf(deps, entry, status, policy);
}

const optionalInteger = (value: unknown, field: string, min: number, max: number): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw validationError(`${field} must be an integer from ${min} to ${max}`, { field });
  }
  return value;
};

/**
 * Creates or changes a drop's queue (ADMIN): the queue's mode and opening (the opening moves only until the queue
 * opens, the mode is fixed at creation) and the server's policy, which may change at any time. NOT_FOUND for an
 * unknown product.
 */
export async function configureDropQueue(deps: DropQueueDeps, input: ConfigureDropQueueInput): Promise<DropQueueAdminView> {
  const value = requireObject(input, 'input');
  const productId = requireString(value.productId, 'productId', { maxLength: 200 });
  const opensAt = requireDate(value.opensAt, 'opensAt');
  const mode = requireOneOf(value.mode, 'mode', ADMISSION_QUEUE_MODES);
  const admitForSeconds = optionalInteger(input.admitForSeconds, 'admitForSeconds', 5, 3_600);
  const margin = input.abandonmentMargin;
  if (margin !== undefined && (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0 || margin > 10)) {
    throw validationError('abandonmentMargin must be a number from 0 to 10', { field: 'abandonmentMargin' });
  }
  const difficulty =
    input.proofOfWork === undefined || input.proofOfWork === null
      ? undefined
      : optionalInteger(input.proofOfWork.difficulty, 'proofOfWork.difficulty', 1, MAX_PROOF_OF_WORK_DIFFICULTY);
  const cap = input.maxEntriesPerAddress === null ? null : optionalInteger(input.maxEntriesPerAddress, 'maxEntriesPerAddress', 1, 1_000_000);
  if ((await deps.products.get(productId)) === null) throw notFound('product', productId);

  const before = await policyOf(deps, productId);
  const policy: DropQueuePolicy = {
    admitForSeconds: admitForSeconds ?? before.admitForSeconds,
    abandonmentMargin: margin ?? before.abandonmentMargin,
    proofOfWork: input.proofOfWork === undefined ? before.proofOfWork : difficulty === undefined ? null : { difficulty },
    maxEntriesPerAddress: input.maxEntriesPerAddress === undefined ? before.maxEntriesPerAddress : (cap ?? null),
  };
  // The policy first: the admitter serves drops with a policy, and finds the queue in place by its next round.
  await deps.queueSettings.put(productId, policy);
  await deps.admissionQueue.configure(productId, { opensAt, mode });
  return (await getDropQueueAdmin(deps, productId))!;
}

/** The admin view of a drop's queue; null when the drop has none. */
export async function getDropQueueAdmin(deps: DropQueueDeps, productId: string): Promise<DropQueueAdminView | null> {
  const id = requireString(productId, 'productId', { maxLength: 200 });
  const [status, policy, suspicious] = await Promise.all([
    deps.admissionQueue.status(id),
    policyOf(deps, id),
    deps.queueSettings.addresses(id, { minEntries: SUSPICIOUS_ENTRIES, limit: SUSPICIOUS_LIMIT }),
  ]);
  if (status === null) return null;
  return {
    ...viewOf(status, policy, deps.clock.now()),
    used: status.used,
    abandoned: status.abandoned,
    turnedAway: status.turnedAway,
    admitForSeconds: policy.admitForSeconds,
    abandonmentMargin: policy.abandonmentMargin,
    maxEntriesPerAddress: policy.maxEntriesPerAddress,
    suspiciousAddresses: suspicious,
  };
}
