import { api } from './client.js';
import type { OrderAccepted } from './types.js';

/**
 * The waiting room of a queued drop (`/api/drops/{productId}/queue...`) and its admin settings. Kept apart from
 * `endpoints.ts` so the queue's calls and shapes live in one place.
 */

export type QueueMode = 'raffle-then-fifo' | 'fifo';
export type QueueState = 'OPEN' | 'SOLD_OUT';
export type TicketState = 'WAITING' | 'ADMITTED' | 'USED' | 'EXPIRED' | 'LEFT' | 'SOLD_OUT';

/** `GET /api/drops/{productId}/queue` (public). */
export interface QueueStatus {
  readonly productId: string;
  readonly mode: QueueMode;
  readonly opensAt: string;
  readonly state: QueueState;
  /** false until the raffle of a `raffle-then-fifo` queue was drawn at `opensAt`. */
  readonly drawn: boolean;
  readonly waiting: number;
  readonly admitted: number;
  readonly proofOfWork: boolean;
  readonly serverTime: string;
}

/** The signed-in shopper's place in a drop's queue. */
export interface QueueTicket {
  readonly productId: string;
  readonly state: TicketState;
  /** 1-based among those waiting; null unless WAITING, and before a raffle's draw. */
  readonly position: number | null;
  readonly waiting: number;
  /** When the raffle is drawn, while it is not yet; null after the draw (and in fifo mode). */
  readonly drawAt: string | null;
  readonly estimatedWaitSeconds: number | null;
  /** The end of the shopper's turn, while ADMITTED. */
  readonly admittedUntil: string | null;
  /** Sent with the order while ADMITTED. */
  readonly admissionToken: string | null;
  /** When to ask again (the stream normally tells first). */
  readonly nextPollSeconds: number;
  readonly serverTime: string;
}

/** `PUT /api/admin/drops/{productId}/queue`. */
export interface QueueSettings {
  readonly opensAt: string;
  readonly mode: QueueMode;
  /** How long an admitted shopper may take to order. */
  readonly admitForSeconds?: number;
  /** Extra admissions for shoppers who never order, as a share of the units available (0.1 = 10 %). */
  readonly abandonmentMargin?: number;
  /** A proof-of-work challenge on join (ALTCHA), or none. */
  readonly proofOfWork?: { readonly difficulty: number } | null;
  /** Entries allowed from one client address; null: no cap. */
  readonly maxEntriesPerAddress?: number | null;
}

/** `GET /api/admin/drops/{productId}/queue`: the status, the settings and what the admin needs to spot bots. */
export interface QueueAdminView extends Omit<QueueStatus, 'proofOfWork' | 'serverTime'> {
  readonly used: number;
  readonly abandoned: number;
  readonly turnedAway: number;
  readonly suspiciousAddresses: readonly { readonly address: string; readonly entries: number }[];
  readonly admitForSeconds?: number;
  readonly abandonmentMargin?: number;
  readonly proofOfWork?: { readonly difficulty: number } | boolean | null;
  readonly maxEntriesPerAddress?: number | null;
  readonly serverTime?: string;
}

const dropPath = (productId: string) => `/api/drops/${encodeURIComponent(productId)}/queue`;

export const queue = {
  /** 404 `NO_QUEUE` for a product sold without a waiting room. */
  status: (productId: string) => api<QueueStatus>(dropPath(productId)),
  /** An ALTCHA challenge, for queues that ask for proof of work. */
  challenge: (productId: string) => api<unknown>(`${dropPath(productId)}/challenge`),
  /** Idempotent: joining again returns the same ticket. */
  join: (productId: string, altcha?: string) =>
    api<QueueTicket>(dropPath(productId), { method: 'POST', body: altcha === undefined ? {} : { altcha } }),
  /** 404 `NOT_IN_QUEUE` before joining. */
  me: (productId: string, signal?: AbortSignal) => api<QueueTicket>(`${dropPath(productId)}/me`, signal ? { signal } : {}),
  leave: (productId: string) => api<QueueTicket>(`${dropPath(productId)}/me`, { method: 'DELETE' }),
  /** `POST /api/orders` with the admission token of the shopper's turn. */
  order: (productId: string, quantity: number, idempotencyKey: string, admissionToken: string) =>
    api<OrderAccepted>('/api/orders', { method: 'POST', body: { productId, quantity, admissionToken }, idempotencyKey }),
};

export const queueAdmin = {
  /** 404 `NO_QUEUE` until the drop has a waiting room. */
  get: (productId: string) => api<QueueAdminView>(`/api/admin/drops/${encodeURIComponent(productId)}/queue`),
  configure: (productId: string, settings: QueueSettings) =>
    api<QueueAdminView>(`/api/admin/drops/${encodeURIComponent(productId)}/queue`, { method: 'PUT', body: settings }),
};

/** Queue events on the notification stream. */
export type QueueEvent =
  | {
      readonly type: 'queue.position';
      readonly productId: string;
      readonly position: number | null;
      readonly waiting: number;
      readonly estimatedWaitSeconds: number | null;
    }
  | { readonly type: 'queue.admitted'; readonly productId: string; readonly admittedUntil: string; readonly admissionToken: string }
  | { readonly type: 'queue.lapsed'; readonly productId: string }
  | { readonly type: 'queue.sold-out'; readonly productId: string };

export const QUEUE_EVENT_TYPES: readonly QueueEvent['type'][] = ['queue.position', 'queue.admitted', 'queue.lapsed', 'queue.sold-out'];
