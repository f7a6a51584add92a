import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import type { GoMessage, LoadItem, LoadWorkerInput, LoadWorkerMessage, SampleColumns } from './load-types.js';

export interface LoadOptions {
  readonly label: string;
  readonly origin: string;
  readonly path: string;
  readonly body: string;
  readonly items: readonly LoadItem[];
  readonly connections: number;
  readonly threads: number;
  readonly durationSeconds: number;
  readonly collectOrderIds: boolean;
  readonly showProgress: boolean;
  /** Called right before the threads start firing (the start of the measured window). */
  readonly onStart?: () => void;
  /** Called about every 200 ms while firing (resource sampling). */
  readonly onTick?: () => void;
}

export interface LoadResult {
  /** Epoch ms when firing started. */
  readonly startedAt: number;
  /** Epoch ms when the last answer arrived. */
  readonly endedAt: number;
  readonly samples: SampleColumns;
  readonly orderIds: readonly string[];
  readonly codes: Readonly<Record<string, number>>;
  readonly answered: number;
  readonly unanswered: number;
}

const WORKER = new URL('./load-worker-entry.mjs', import.meta.url);

/**
 * Fires `items` from `threads` worker threads (shoppers dealt round-robin, connections split evenly), each
 * shopper until answered, for at most `durationSeconds`.
 */
export async function fire(options: LoadOptions): Promise<LoadResult> {
  const threads = Math.max(1, Math.min(options.threads, options.connections, options.items.length));
  let startAt = Number.POSITIVE_INFINITY;
  const shards = Array.from({ length: threads }, (_, thread) => options.items.filter((_, index) => index % threads === thread));
  const progress = new Map<number, { answered: number; attempts: number; accepted: number }>();
  const bar = options.showProgress
    ? new cliProgress.SingleBar(
        {
          format: `${options.label.padEnd(9)} [{bar}] {value}/{total} answered | {attempts} attempts | {accepted} accepted | {rate} attempts/s`,
          hideCursor: true,
          noTTYOutput: true,
          notTTYSchedule: 1000,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const ticker = setInterval(() => {
    if (startAt > Date.now()) return;
    options.onTick?.();
    if (bar === null) return;
    let answered = 0;
    let attempts = 0;
    let accepted = 0;
    for (const value of progress.values()) {
      answered += value.answered;
      attempts += value.attempts;
      accepted += value.accepted;
    }
    const seconds = Math.max(0.001, (Date.now() - startAt) / 1000);
    bar.update(answered, { attempts, accepted, rate: Math.round(attempts / seconds) });
  }, 200);

  try {
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    const finished = shards.map((items, thread) => {
        const input: LoadWorkerInput = {
          origin: options.origin,
          path: options.path,
          body: options.body,
          connections: Math.max(1, Math.floor(options.connections / threads) + (thread < options.connections % threads ? 1 : 0)),
          items,
          collectOrderIds: options.collectOrderIds,
        };
        const worker = new Worker(WORKER, { workerData: input });
        workers.push(worker);
        ready.push(new Promise((resolve) => worker.once('message', () => resolve())));
        return runThread(worker, (value) => progress.set(thread, value));
      });
    await Promise.race([Promise.all(ready), Promise.all(finished)]);
    options.onStart?.();
    startAt = Date.now() + 50;
    const go: GoMessage = { type: 'go', startAt, deadline: startAt + options.durationSeconds * 1000 };
    for (const worker of workers) worker.postMessage(go);
    bar?.start(options.items.length, 0, { attempts: 0, accepted: 0, rate: 0 });
    const done = await Promise.all(finished);
    const samples = mergeSamples(done.map((result) => result.samples));
    let endedAt = startAt;
    for (let index = 0; index < samples.count; index += 1) {
      endedAt = Math.max(endedAt, samples.start[index]! + samples.latency[index]!);
    }
    const codes: Record<string, number> = {};
    for (const result of done) for (const [code, count] of Object.entries(result.codes)) codes[code] = (codes[code] ?? 0) + count;
    return {
      startedAt: startAt,
      endedAt,
      samples,
      orderIds: done.flatMap((result) => result.orderIds),
      codes,
      answered: done.reduce((sum, result) => sum + result.answered, 0),
      unanswered: done.reduce((sum, result) => sum + result.unanswered, 0),
    };
  } finally {
    clearInterval(ticker);
    bar?.stop();
  }
}

type Done = Extract<LoadWorkerMessage, { type: 'done' }>;

function runThread(worker: Worker, onProgress: (value: { answered: number; attempts: number; accepted: number }) => void) {
  return new Promise<Done>((resolve, reject) => {
    worker.on('message', (message: LoadWorkerMessage) => {
      if (message.type === 'ready') return;
      if (message.type === 'progress') onProgress(message);
      else if (message.type === 'done') {
        onProgress({ answered: message.answered, attempts: message.samples.count, accepted: message.accepted });
        resolve(message);
        void worker.terminate();
      } else reject(new Error(`load thread failed: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load thread exited with ${code}`));
    });
  });
}

function mergeSamples(parts: readonly SampleColumns[]): SampleColumns {
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const merged = {
    count,
    start: new Float64Array(count),
    latency: new Float64Array(count),
    status: new Uint16Array(count),
    outcome: new Uint8Array(count),
  };
  let offset = 0;
  for (const part of parts) {
    merged.start.set(part.start, offset);
    merged.latency.set(part.latency, offset);
    merged.status.set(part.status, offset);
    merged.outcome.set(part.outcome, offset);
    offset += part.count;
  }
  return merged;
}
