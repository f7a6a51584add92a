import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/** One simulated shopper of a queued drop. */
export interface QueueShopperSpec {
  readonly index: number;
  readonly customerId: string;
  readonly token: string;
  /** Sent as X-Forwarded-For (the server trusts it, as behind a load balancer): the bot's accounts share one. */
  readonly ip: string;
  readonly bot: boolean;
  /** When this shopper joins (epoch ms). */
  readonly joinAt: number;
  /** Admitted, this shopper never orders: the turn lapses. */
  readonly abandons: boolean;
  /** Also listens on the notification stream, and acts on its queue events as soon as they arrive. */
  readonly sse: boolean;
}

/** How a shopper's visit ended. */
export type QueueOutcome =
  | 'bought' // ordered (202) and paid
  | 'sold-out' // told SOLD_OUT: on join, or while waiting when the queue closed
  | 'out-of-stock' // admitted, ordered, and every unit was held or sold (409 OUT_OF_STOCK)
  | 'abandoned' // admitted and walked away (the share asked for)
  | 'expired' // the turn ended first
  | 'refused' // the join was refused by the per-address cap (429 QUEUE_ADDRESS_CAP)
  | 'left'
  | 'failed'; // an answer the benchmark does not expect

export interface ShopperRecord {
  readonly spec: QueueShopperSpec;
  joinSentAt: number | null;
  joinAnsweredAt: number | null;
  joinLatencyMs: number | null;
  /** The server's time in the join answer: before the opening or not, on the server's clock. */
  joinServerTime: number | null;
  /** The end of the turn, as the ticket reported it when the shopper saw it admitted (epoch ms). */
  admittedUntil: number | null;
  admittedSeenAt: number | null;
  /** What told the shopper first: the stream's `queue.admitted` event or a poll of the ticket. */
  admittedVia: 'sse' | 'poll' | null;
  /** Whether the stream was open while the shopper waited (SSE sample only). */
  streamOpened: boolean;
  /** When the stream delivered `queue.admitted`, whether or not a poll told the shopper first (SSE sample only). */
  streamAdmittedAt: number | null;
  orderAttempts: number;
  orderId: string | null;
  polls: number;
  outcome: QueueOutcome | null;
  outcomeAt: number | null;
  detail: string | null;
}

export interface QueueRequestCounts {
  joins: number;
  polls: number;
  orders: number;
  payments: number;
  /** Answers that sent the shopper to try again (429, 5xx, 409 in flight, network). */
  retried: number;
  /** Statuses of the retried and failed answers, `METHOD path-kind status code`. */
  readonly unexpected: Record<string, number>;
}

export interface QueueRunResult {
  readonly records: readonly ShopperRecord[];
  readonly requests: QueueRequestCounts;
  readonly endedAt: number;
  /** This load generator's own event-loop delay over the run (ms): late client timers and reads inflate every figure. */
  readonly clientLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

interface Ticket {
  readonly state: 'WAITING' | 'ADMITTED' | 'USED' | 'EXPIRED' | 'LEFT' | 'SOLD_OUT';
  readonly position: number | null;
  readonly admittedUntil: string | null;
  readonly admissionToken: string | null;
  readonly nextPollSeconds: number;
  readonly serverTime: string;
}

const CARD = { number: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123', holder: 'Queue Shopper' };
const RETRY_MS = 500;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> | null;
}

const codeOf = (answer: Answer) => (typeof answer.body?.code === 'string' ? answer.body.code : '');
const retryable = (answer: Answer) =>
  answer.status === 0 || answer.status === 429 || answer.status >= 500 || codeOf(answer).endsWith('IN_FLIGHT');

/**
 * Runs every shopper of a queued drop as a person would: join at their time, look at the ticket again when the
 * server says (`nextPollSeconds`), order with the admission token when admitted (or walk away, for the abandoning
 * share), pay, and stop at a final answer. Returns when every shopper has one, or at `deadline`.
 */
export async function runQueueShoppers(input: {
  readonly origin: string;
  readonly productId: string;
  readonly shoppers: readonly QueueShopperSpec[];
  readonly connections: number;
  readonly deadline: number;
  readonly onProgress?: (records: readonly ShopperRecord[]) => void;
}): Promise<QueueRunResult> {
  const pool = new Pool(input.origin, { connections: input.connections, pipelining: 1, headersTimeout: 60_000, bodyTimeout: 60_000 });
  // Streams hold their connection for the whole wait: a pool of their own, one connection each.
  const streams = input.shoppers.filter((spec) => spec.sse).length;
  const streamPool = streams > 0 ? new Pool(input.origin, { connections: streams, pipelining: 1, bodyTimeout: 0, headersTimeout: 30_000 }) : null;
  const requests: QueueRequestCounts = { joins: 0, polls: 0, orders: 0, payments: 0, retried: 0, unexpected: {} };
  const queuePath = `/api/drops/${encodeURIComponent(input.productId)}/queue`;
  const records: ShopperRecord[] = input.shoppers.map((spec) => ({
    spec,
    joinSentAt: null,
    joinAnsweredAt: null,
    joinLatencyMs: null,
    joinServerTime: null,
    admittedUntil: null,
    admittedSeenAt: null,
    admittedVia: null,
    streamOpened: false,
    streamAdmittedAt: null,
    orderAttempts: 0,
    orderId: null,
    polls: 0,
    outcome: null,
    outcomeAt: null,
    detail: null,
  }));

  const call = async (spec: QueueShopperSpec, method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<Answer> => {
    try {
      const response = await pool.request({
        method,
        path,
        headers: {
          authorization: `Bearer ${spec.token}`,
          'x-forwarded-for': spec.ip,
          ...(key ? { 'idempotency-key': key } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.body.text();
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      } catch {
        parsed = null;
      }
      return { status: response.statusCode, body: parsed };
    } catch {
      return { status: 0, body: null };
    }
  };
  const note = (what: string, answer: Answer) => {
    const label = `${what} ${answer.status} ${codeOf(answer)}`.trim();
    requests.unexpected[label] = (requests.unexpected[label] ?? 0) + 1;
  };
  const finish = (record: ShopperRecord, outcome: QueueOutcome, detail: string | null = null) => {
    record.outcome = outcome;
    record.outcomeAt = Date.now();
    record.detail = detail;
  };
  const waitUntil = async (at: number) => {
    const ms = Math.min(at, input.deadline) - Date.now();
    if (ms > 0) await sleep(ms);
  };

  const pay = async (record: ShopperRecord, orderId: string): Promise<boolean> => {
    const { spec } = record;
    let link: string | null = null;
    while (link === null && Date.now() < input.deadline) {
      requests.payments++;
      const initiated = await call(spec, 'POST', '/api/payments/initiate', { orderId });
      if (initiated.status === 200 || initiated.status === 201) link = String(initiated.body?.paymentLink ?? '');
      else if (retryable(initiated)) {
        requests.retried++;
        note('initiate', initiated);
        await sleep(RETRY_MS);
      } else {
        note('initiate', initiated);
        return false;
      }
    }
    const token = link?.split('/pay/')[1];
    if (!token) return false;
    while (Date.now() < input.deadline) {
      requests.payments++;
      const processed = await call(spec, 'POST', '/api/payments/process', { token: decodeURIComponent(token), card: CARD });
      if (processed.status === 200) return true;
      note('process', processed);
      if (!retryable(processed)) return false;
      requests.retried++;
      await sleep(RETRY_MS);
    }
    return false;
  };

  const buy = async (record: ShopperRecord, admissionToken: string) => {
    const key = randomUUID();
    while (Date.now() < input.deadline) {
      record.orderAttempts++;
      requests.orders++;
      const answer = await call(record.spec, 'POST', '/api/orders', { productId: input.productId, quantity: 1, admissionToken }, key);
      if (answer.status === 202) {
        record.orderId = String(answer.body?.orderId);
        if (await pay(record, record.orderId)) finish(record, 'bought');
        else finish(record, 'failed', 'the payment did not go through');
        return;
      }
      const code = codeOf(answer);
      if (code === 'OUT_OF_STOCK') return finish(record, 'out-of-stock');
      if (code === 'ADMISSION_EXPIRED') return finish(record, 'expired', 'turn ended before the order');
      note('order', answer);
      if (!retryable(answer)) return finish(record, 'failed', `order ${answer.status} ${code}`);
      requests.retried++;
      await sleep(RETRY_MS);
    }
  };

  const visit = async (record: ShopperRecord) => {
    const { spec } = record;
    await waitUntil(spec.joinAt);
    let ticket: Ticket | null = null;
    while (ticket === null && Date.now() < input.deadline) {
      const sent = Date.now();
      record.joinSentAt ??= sent;
      requests.joins++;
      const answer = await call(spec, 'POST', queuePath, {});
      if (answer.status === 200 || answer.status === 201) {
        record.joinAnsweredAt = Date.now();
        record.joinLatencyMs = record.joinAnsweredAt - sent;
        ticket = answer.body as unknown as Ticket;
        record.joinServerTime = Date.parse(ticket.serverTime);
        break;
      }
      const code = codeOf(answer);
      if (code === 'SOLD_OUT') return finish(record, 'sold-out', 'on join');
      if (code === 'QUEUE_ADDRESS_CAP') return finish(record, 'refused');
      note('join', answer);
      if (!retryable(answer)) return finish(record, 'failed', `join ${answer.status} ${code}`);
      requests.retried++;
      await sleep(RETRY_MS);
    }
    const stream =
      spec.sse && streamPool && ticket !== null
        ? watchQueue(streamPool, spec, input.productId, {
            opened: () => (record.streamOpened = true),
            admitted: (at) => (record.streamAdmittedAt ??= at),
          })
        : null;
    try {
      await follow(record, ticket, stream);
      // The stream's own delay is measured even when a poll told the shopper first: it stays open a while for it.
      if (stream && record.admittedUntil !== null) {
        const until = Math.min(input.deadline, Date.now() + STREAM_GRACE_MS);
        while (record.streamAdmittedAt === null && Date.now() < until) await sleep(100);
      }
    } finally {
      stream?.close();
    }
  };

  const follow = async (record: ShopperRecord, first: Ticket | null, stream: QueueWatch | null) => {
    const { spec } = record;
    let ticket = first;
    let via: 'sse' | 'poll' = 'poll';
    while (ticket !== null && Date.now() < input.deadline) {
      switch (ticket.state) {
        case 'ADMITTED':
          record.admittedSeenAt = Date.now();
          record.admittedVia = via;
          record.admittedUntil = ticket.admittedUntil ? Date.parse(ticket.admittedUntil) : null;
          if (spec.abandons) return finish(record, 'abandoned');
          if (!ticket.admissionToken) return finish(record, 'failed', 'admitted without a token');
          return buy(record, ticket.admissionToken);
        case 'SOLD_OUT':
          return finish(record, 'sold-out');
        case 'EXPIRED':
          return finish(record, 'expired');
        case 'LEFT':
          return finish(record, 'left');
        case 'USED':
          return finish(record, 'failed', 'USED before ordering');
        case 'WAITING': {
          // A little jitter, as real clients have: shoppers who joined together do not all ask in the same instant.
          const pollAt = Date.now() + ticket.nextPollSeconds * 1000 * (1 + Math.random() * 0.1);
          const event = await Promise.race([waitUntil(pollAt).then(() => null), stream?.next ?? new Promise<never>(() => {})]);
          if (event?.type === 'queue.admitted') {
            stream!.consumed();
            via = 'sse';
            ticket = { ...ticket, state: 'ADMITTED', position: null, admittedUntil: event.admittedUntil, admissionToken: event.admissionToken };
            continue;
          }
          if (event?.type === 'queue.sold-out') return finish(record, 'sold-out', 'stream');
          if (event) stream!.consumed();
          if (Date.now() >= input.deadline) return;
          record.polls++;
          requests.polls++;
          const answer = await call(spec, 'GET', `${queuePath}/me`);
          if (answer.status === 200) ticket = answer.body as unknown as Ticket;
          else {
            note('poll', answer);
            if (!retryable(answer)) return finish(record, 'failed', `poll ${answer.status} ${codeOf(answer)}`);
            requests.retried++;
          }
        }
      }
    }
  };

  const progress = input.onProgress ? setInterval(() => input.onProgress?.(records), 5_000) : null;
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  try {
    await Promise.all(records.map((record) => visit(record)));
  } finally {
    loopDelay.disable();
    if (progress) clearInterval(progress);
    await pool.close();
    await streamPool?.destroy();
  }
  const ms = (ns: number) => ns / 1e6;
  return {
    records,
    requests,
    endedAt: Date.now(),
    clientLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
  };
}

interface QueueEventMessage {
  readonly type: string;
  readonly admittedUntil: string | null;
  readonly admissionToken: string | null;
}

/** The notification stream of one shopper, reduced to the queue events of one drop. */
interface QueueWatch {
  /** The next admitted / sold-out / lapsed event of the drop (the same promise until `consumed`). */
  readonly next: Promise<QueueEventMessage>;
  consumed(): void;
  close(): void;
}

/** How long a sampled stream stays open after its shopper was admitted, waiting for its own `queue.admitted`. */
const STREAM_GRACE_MS = 60_000;

/** Opens `GET /api/notifications/stream` for `spec` and parses its `queue.*` events (SSE framing). */
function watchQueue(
  pool: Pool,
  spec: QueueShopperSpec,
  productId: string,
  on: { readonly opened: () => void; readonly admitted: (receivedAt: number) => void },
): QueueWatch {
  const controller = new AbortController();
  const pending: QueueEventMessage[] = [];
  let wake: (() => void) | null = null;
  const nextEvent = (): Promise<QueueEventMessage> =>
    new Promise((resolve) => {
      const take = () => {
        const event = pending[0];
        if (event) resolve(event);
        else wake = take;
      };
      take();
    });
  const watch = {
    next: nextEvent(),
    consumed() {
      pending.shift();
      watch.next = nextEvent();
    },
    close() {
      controller.abort();
    },
  };
  void (async () => {
    try {
      const response = await pool.request({
        method: 'GET',
        path: '/api/notifications/stream',
        headers: { authorization: `Bearer ${spec.token}`, 'x-forwarded-for': spec.ip, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return;
      }
      on.opened();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += chunk.toString();
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = '';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (!type.startsWith('queue.') || type === 'queue.position' || !data) continue;
          const parsed = JSON.parse(data) as { productId?: string; admittedUntil?: string; admissionToken?: string };
          if (parsed.productId !== productId) continue;
          if (type === 'queue.admitted') on.admitted(Date.now());
          pending.push({ type, admittedUntil: parsed.admittedUntil ?? null, admissionToken: parsed.admissionToken ?? null });
          const waiting = wake as (() => void) | null;
          wake = null;
          waiting?.();
        }
      }
    } catch {
      // Closed by the shopper (or the server): the shopper goes on polling.
    }
  })();
  return watch;
}
