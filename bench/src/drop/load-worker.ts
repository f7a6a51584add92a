/**
 * One load-generator thread: `connections` keep-alive connections, each a loop that takes the next shopper,
 * sends its order (own token, own Idempotency-Key) and puts the shopper back at the end of the queue when the
 * answer was not final (429, 5xx, a request of the same key still in flight, a network error).
 */
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { type GoMessage, type LoadItem, type LoadWorkerInput, type LoadWorkerMessage, OUTCOME, type Outcome } from './load-types.js';

const input = workerData as LoadWorkerInput;
const now = () => performance.timeOrigin + performance.now();

const BUSINESS_REJECTIONS = new Set(['OUT_OF_STOCK', 'LIMIT_EXCEEDED', 'NOT_ON_SALE']);
const CODE = /"code"\s*:\s*"([A-Z_]+)"/;

class Samples {
  count = 0;
  start = new Float64Array(1024);
  latency = new Float64Array(1024);
  status = new Uint16Array(1024);
  outcome = new Uint8Array(1024);

  add(start: number, latency: number, status: number, outcome: Outcome): void {
    if (this.count === this.start.length) this.#grow();
    this.start[this.count] = start;
    this.latency[this.count] = latency;
    this.status[this.count] = status;
    this.outcome[this.count] = outcome;
    this.count += 1;
  }

  #grow(): void {
    const size = this.start.length * 2;
    const grow = <T extends Float64Array | Uint16Array | Uint8Array>(from: T, make: (n: number) => T): T => {
      const to = make(size);
      to.set(from);
      return to;
    };
    this.start = grow(this.start, (n) => new Float64Array(n));
    this.latency = grow(this.latency, (n) => new Float64Array(n));
    this.status = grow(this.status, (n) => new Uint16Array(n));
    this.outcome = grow(this.outcome, (n) => new Uint8Array(n));
  }
}

async function run(): Promise<void> {
  const { items } = input;
  const pool = new Pool(input.origin, { connections: input.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const samples = new Samples();
  const orderIds: string[] = [];
  const codes: Record<string, number> = {};
  const queue: number[] = items.map((_, index) => index);
  let head = 0;
  let inFlight = 0;
  let answered = 0;
  let attempts = 0;
  let accepted = 0;

  // Open every connection before the clock starts, as wrk does: the first attempts then measure the server, not
  // TCP set-up queued behind a busy accept loop. Any cheap answer opens one (the ceiling server 404s this path).
  await Promise.all(
    Array.from({ length: input.connections }, () => pool.request({ path: '/healthz', method: 'GET' }).then((response) => response.body.dump())),
  );

  // Loading this module (and its TypeScript) takes a while: the clock starts when every thread is ready.
  const go = once(parentPort!, 'message') as Promise<[GoMessage]>;
  post({ type: 'ready' });
  const [{ startAt, deadline }] = await go;
  const progress = setInterval(() => post({ type: 'progress', answered, attempts, accepted }), 200);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - now())));

  const classify = (status: number, body: string): Outcome => {
    if (status === 202) return OUTCOME.accepted;
    if (status === 409) {
      const code = CODE.exec(body)?.[1] ?? 'UNKNOWN';
      codes[code] = (codes[code] ?? 0) + 1;
      if (BUSINESS_REJECTIONS.has(code)) return OUTCOME.rejected;
      if (code === 'IDEMPOTENCY_IN_FLIGHT') return OUTCOME.retried;
      return OUTCOME.failed;
    }
    if (status === 429 || status >= 500) return OUTCOME.retried;
    return OUTCOME.failed;
  };

  const attempt = async (item: LoadItem): Promise<Outcome> => {
    const started = now();
    let status = 0;
    let outcome: Outcome;
    try {
      const response = await pool.request({
        method: 'POST',
        path: input.path,
        headers: {
          authorization: `Bearer ${item.token}`,
          'idempotency-key': item.key,
          'x-forwarded-for': item.ip,
          'content-type': 'application/json',
          // What a shopper's browser sends: the server's compression step sees every answer as it would in a drop.
          'accept-encoding': 'gzip, deflate, br',
        },
        body: input.body,
      });
      status = response.statusCode;
      const text = await response.body.text();
      outcome = classify(status, text);
      if (outcome === OUTCOME.accepted && input.collectOrderIds) {
        const orderId = (JSON.parse(text) as { orderId?: unknown }).orderId;
        if (typeof orderId === 'string') orderIds.push(orderId);
      }
    } catch {
      outcome = OUTCOME.retried;
    }
    samples.add(started, now() - started, status, outcome);
    return outcome;
  };

  const connection = async () => {
    for (;;) {
      if (now() >= deadline) return;
      if (head === queue.length) {
        if (inFlight === 0) return;
        // Someone's answer may still put a shopper back: wait for it.
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      const index = queue[head++]!;
      inFlight += 1;
      attempts += 1;
      const outcome = await attempt(items[index]!);
      inFlight -= 1;
      if (outcome === OUTCOME.retried) queue.push(index);
      else {
        answered += 1;
        if (outcome === OUTCOME.accepted) accepted += 1;
      }
    }
  };

  await Promise.all(Array.from({ length: input.connections }, connection));
  clearInterval(progress);
  await pool.close();
  const { count } = samples;
  post({
    type: 'done',
    answered,
    accepted,
    unanswered: items.length - answered,
    orderIds,
    codes,
    samples: {
      count,
      start: samples.start.slice(0, count),
      latency: samples.latency.slice(0, count),
      status: samples.status.slice(0, count),
      outcome: samples.outcome.slice(0, count),
    },
  });
}

function post(message: LoadWorkerMessage): void {
  if (message.type === 'done') {
    const { start, latency, status, outcome } = message.samples;
    parentPort?.postMessage(message, [start.buffer, latency.buffer, status.buffer, outcome.buffer] as ArrayBuffer[]);
  } else parentPort?.postMessage(message);
}

run().catch((error: unknown) => {
  parentPort?.postMessage({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});
