/** One shopper's order as the load generator sends it. */
export interface LoadItem {
  readonly token: string;
  /** Idempotency-Key: the same on every retry of this shopper. */
  readonly key: string;
  /** The shopper's address, sent as X-Forwarded-For (the server trusts it as if behind a load balancer). */
  readonly ip: string;
}

/** A distinct private address per shopper index. */
export const shopperIp = (index: number): string => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;

/** How an attempt ended. */
export const OUTCOME = {
  /** 202: the order was accepted. */
  accepted: 0,
  /** 409 OUT_OF_STOCK / LIMIT_EXCEEDED / NOT_ON_SALE: a final business answer. */
  rejected: 1,
  /** 429, 5xx, 409 IDEMPOTENCY_IN_FLIGHT or a network error: the shopper tries again. */
  retried: 2,
  /** Any other status: final, and an error of the benchmark run. */
  failed: 3,
} as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

export interface LoadWorkerInput {
  readonly origin: string;
  readonly path: string;
  readonly body: string;
  readonly connections: number;
  readonly items: readonly LoadItem[];
  readonly collectOrderIds: boolean;
}

/** Sent to every thread once all are loaded: when to start firing and when to stop starting attempts (epoch ms). */
export interface GoMessage {
  readonly type: 'go';
  readonly startAt: number;
  readonly deadline: number;
}

/** Every attempt, columnar. `start` is epoch ms; `status` 0 is a network error. */
export interface SampleColumns {
  readonly count: number;
  readonly start: Float64Array;
  readonly latency: Float64Array;
  readonly status: Uint16Array;
  readonly outcome: Uint8Array;
}

export type LoadWorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; answered: number; attempts: number; accepted: number }
  | {
      type: 'done';
      answered: number;
      accepted: number;
      unanswered: number;
      orderIds: string[];
      /** 409 problem codes seen, by code. */
      codes: Record<string, number>;
      samples: SampleColumns;
    }
  | { type: 'error'; error: string };
