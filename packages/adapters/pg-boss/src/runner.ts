import { LimitedCartError } from '@limitedcart/core';
import type { HealthReport, OrderSagaInput, SagaDescription, SagaRunner, SagaSignal, SagaStatus, SignalResult } from '@limitedcart/core';
import DataLoader from 'dataloader';
import { PgBoss } from 'pg-boss';
import type { JobResult, WorkOptions } from 'pg-boss';
import pg from 'pg';
import { ADVANCE_QUEUE, type AdvanceJobData, AdvanceQueue } from './advance-queue.js';
import { SagaAdvancer } from './advancer.js';
import { guardPool } from './connection-errors.js';
import { withTransaction } from './db.js';
import { asRunnerError } from './errors.js';
import { LateSignals } from './late-signals.js';
import { type PgBossSagaRunnerOptions, resolveOptions } from './options.js';
import { prepared } from './prepared.js';
import { migrateSagaSchema } from './schema.js';
import { assertInput, assertOrderId, assertSignal, signalId } from './signals.js';
import { type InstanceRow, SagaTables } from './store.js';

/** Lost connections are reported at warning level at most this often; they come in bursts. */
const LOSS_WARNING_INTERVAL_MS = 5_000;

/**
 * A `SagaRunner` on Postgres + pg-boss, plus its lifecycle. `open()` is optional: the first call opens.
 * Lifecycle methods are `open`/`close` because `start` is the SagaRunner's "start a saga".
 */
export interface PgBossSagaRunner extends SagaRunner {
  /** 'worker' executes advance jobs; 'client' only starts, signals and describes sagas. */
  readonly role: 'client' | 'worker';
  /** Creates the saga tables and pg-boss's schema if missing (idempotent; `open` runs it). */
  migrate(): Promise<void>;
  /** Connects, migrates, creates the queues and, for a worker, starts consuming advance jobs. */
  open(): Promise<void>;
  /** Stops consuming (in-flight advances finish first) and closes the pool if this runner created it. */
  close(): Promise<void>;
  health(): Promise<HealthReport>;
  /** Number of sagas per status, for operators and benchmarks. */
  summary(): Promise<Record<SagaStatus, number>>;
}

/**
 * Creates a saga runner that executes core's `orderSaga` durably on Postgres: a journal replayed on every
 * advance, one pg-boss queue of advance jobs, the payment deadline as a delayed job. See the README.
 */
export function createPgBossSagaRunner(options: PgBossSagaRunnerOptions): PgBossSagaRunner {
  const config = resolveOptions(options);
  const role = config.worker ? 'worker' : 'client';
  const ownsPool = options.pool === undefined;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 10 });
  // Each advance in flight holds one connection for its saga lock from start to end while its activities
  // take connections of their own, often from the caller's pool. Lock connections come from a pool of their
  // own, sized to the advances in flight, so the two can never starve each other into a deadlock.
  const lockPool = config.worker
    ? new pg.Pool({
        ...(options.pool ? options.pool.options : { connectionString: options.connectionString }),
        max: config.tuning.concurrency * config.tuning.batchSize,
      })
    : undefined;
  // A connection that drops, idle or held for a saga lock, must never end the process (see `guardPool`): the
  // advance that held it fails and pg-boss retries it; the pool opens a fresh connection for the next one.
  // Connections drop together (a restart ends every one of them): one warning per burst, the rest at debug level.
  let lastLossWarnedAt = Number.NEGATIVE_INFINITY;
  const connectionLost = (error: Error) => {
    const now = Date.now();
    const burst = now - lastLossWarnedAt < LOSS_WARNING_INTERVAL_MS;
    if (!burst) lastLossWarnedAt = now;
    config.logger?.[burst ? 'debug' : 'warn']('saga runner connection lost', { error: error.message });
  };
  for (const owned of [ownsPool ? pool : undefined, lockPool]) {
    if (owned) guardPool(owned, connectionLost);
  }
  const tables = new SagaTables(config.schema);
  // With a connection string pg-boss gets a small pool of its own, which lets it LISTEN for new jobs: a
  // worker then wakes on a signal at once instead of at its next poll. With a caller's pool it polls.
  const bossConnection = options.connectionString
    ? { connectionString: options.connectionString, max: 4, useListenNotify: config.worker }
    : {
        db: {
          // pg-boss's own statements are the heaviest to plan (the job insert above all): named, they are planned once.
          executeSql: async (text: string, values?: unknown[]) =>
            values && values.length > 0 ? pool.query(prepared(text, values)) : pool.query(text),
        },
      };
  const boss = new PgBoss({
    ...bossConnection,
    schema: config.bossSchema,
    supervise: config.worker,
    schedule: false,
    migrate: true,
    superviseIntervalSeconds: config.tuning.superviseIntervalSeconds,
    monitorIntervalSeconds: config.tuning.superviseIntervalSeconds,
  });
  const queue = new AdvanceQueue(boss, config.retry, config.tuning);
  const lateSignals = new LateSignals(pool, tables, config.activities);
  const advancer = new SagaAdvancer(lockPool ?? pool, config.schema, tables, queue, lateSignals, config.activities, config.tuning, config.logger);
  let lastBossError: Error | undefined;
  boss.on('error', (error) => {
    lastBossError = error;
    config.logger?.error('pg-boss error', { error: error.message });
  });

  let opening: Promise<void> | undefined;
  let closed = false;

  const migrate = () => migrateSagaSchema(pool, config.schema, config.bossSchema);

  async function openOnce(): Promise<void> {
    await migrate();
    await boss.start();
    await queue.create();
    if (config.worker) {
      await boss.work<AdvanceJobData, unknown, WorkOptions & { perJobResults: true }>(
        ADVANCE_QUEUE,
        {
          batchSize: config.tuning.batchSize,
          localConcurrency: config.tuning.concurrency,
          pollingIntervalSeconds: config.tuning.pollingIntervalSeconds,
          // NOTIFY only announces jobs runnable now; deadline timers are found by polling, so keep it short.
          notifyPollingIntervalSeconds: config.tuning.pollingIntervalSeconds,
          burstWhenBatchFull: true,
          perJobResults: true,
        },
        async (jobs): Promise<JobResult[]> =>
          Promise.all(
            jobs.map(async (job) => {
              const verdict = await advancer.advance(job.data.orderId, job.retryCount >= config.retry.limit, job.data.deadlineQueued === true);
              return { id: job.id, status: verdict.status, output: verdict.output };
            }),
          ),
      );
    }
  }

  const ready = (): Promise<void> => {
    if (closed) return Promise.reject(new LimitedCartError('INFRASTRUCTURE', 'saga runner is closed'));
    // A failed open (database unreachable) is not remembered: the next call tries again.
    opening ??= openOnce().catch((error: unknown) => {
      opening = undefined;
      throw asRunnerError(error, 'open saga runner');
    });
    return opening;
  };

  /** A public call: a lost or refused connection under it surfaces as a retryable `INFRASTRUCTURE` error. */
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw asRunnerError(error, what);
    }
  };

  /**
   * Sagas started together (accepted orders arrive together in a drop) share one transaction: their instance rows
   * in one statement and their first advance jobs and deadline timers in one pg-boss insert. Sent in the same transaction, so a saga
   * row never exists without the job that drives it; each caller learns whether its saga is new.
   */
  const starts = new DataLoader<OrderSagaInput, boolean>(
    async (inputs) => {
      const fresh = await withTransaction(pool, async (client) => {
        const inserted = await tables.insertInstances(client, inputs);
        // An order id twice in one group: its first input is the one inserted.
        const fresh = new Map<string, OrderSagaInput>();
        for (const input of inputs) if (inserted.has(input.orderId) && !fresh.has(input.orderId)) fresh.set(input.orderId, input);
        if (fresh.size > 0) await queue.startAll([...fresh.values()], { client });
        return inserted;
      });
      // An order id twice in one group: the first caller started it.
      return inputs.map((input) => fresh.delete(input.orderId));
    },
    { cache: false, maxBatchSize: 100, batchScheduleFn: (run) => setImmediate(run) },
  );

  /**
   * Descriptions asked for together share one statement: a drop's `order.placed` events, handled side by side,
   * each ask whether their saga already runs.
   */
  const descriptions = new DataLoader<string, InstanceRow | null>(
    async (orderIds) => {
      const found = await tables.instances(pool, orderIds);
      return orderIds.map((orderId) => found.get(orderId) ?? null);
    },
    { cache: false, maxBatchSize: 100, batchScheduleFn: (run) => setImmediate(run) },
  );

  return {
    role,
    migrate,
    open: ready,

    async start(input: OrderSagaInput) {
      assertInput(input);
      await ready();
      const canonical: OrderSagaInput = { orderId: input.orderId, paymentDeadline: new Date(input.paymentDeadline).toISOString() };
      return { started: await call('start saga', () => starts.load(canonical)) };
    },

    async signal(orderId: string, signal: SagaSignal): Promise<SignalResult> {
      assertSignal(orderId, signal);
      await ready();
      const body = canonicalSignal(signal);
      const id = signalId(body);
      const delivered = await call('signal saga', () => withTransaction(pool, async (client) => {
        // Locking the instance orders this signal with the saga's own reads and with its completion:
        // either the saga is still running (it will consume the row or hand it to the late policy
        // when it ends), or it has ended and the row is late from the start. Never lost, never both.
        const instance = await tables.instance(client, orderId, true);
        if (!instance) throw new LimitedCartError('NOT_FOUND', `saga ${orderId} not found`, { details: { what: 'saga', id: orderId } });
        if (instance.status === 'RUNNING') {
          if (await tables.insertSignal(client, orderId, id, body, false)) await queue.wake(orderId, 'signal', { client });
          return true;
        }
        // A signal the saga already consumed (redelivery) stays consumed: the insert is a no-op.
        await tables.insertSignal(client, orderId, id, body, true);
        return false;
      }));
      if (!delivered) await call('handle late signal', () => lateSignals.handle(orderId));
      return { delivered };
    },

    async describe(orderId: string): Promise<SagaDescription | null> {
      assertOrderId(orderId);
      await ready();
      const row = await call('describe saga', () => descriptions.load(orderId));
      if (!row) return null;
      return { orderId: row.orderId, status: row.status, step: row.step, outcome: row.outcome, error: row.error };
    },

    async summary() {
      await ready();
      const { rows } = await call('summarise sagas', () =>
        pool.query(`SELECT status, count(*)::int AS n FROM "${config.schema}".saga_instances GROUP BY status`),
      );
      const counts: Record<SagaStatus, number> = { RUNNING: 0, COMPLETED: 0, FAILED: 0 };
      for (const row of rows) counts[row.status as SagaStatus] = row.n;
      return counts;
    },

    async health(): Promise<HealthReport> {
      const name = `saga-runner:pg-boss:${role}`;
      try {
        await pool.query('SELECT 1');
        if (lastBossError) return { name, ok: true, detail: `last pg-boss error: ${lastBossError.message}` };
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      if (opening) {
        await opening.catch(() => undefined);
        await boss.stop({ graceful: true, timeout: 10_000 });
      }
      await lockPool?.end();
      if (ownsPool) await pool.end();
    },
  };
}

/** Only the fields the saga reads are stored. */
function canonicalSignal(signal: SagaSignal): SagaSignal {
  switch (signal.type) {
    case 'cancel':
      return { type: 'cancel', reason: signal.reason };
    case 'payment-failed':
      return { type: 'payment-failed', paymentId: signal.paymentId, reason: signal.reason };
    case 'hold-extended':
      return { type: 'hold-extended', holdUntil: new Date(signal.holdUntil).toISOString() };
    case 'payment-succeeded':
      return { type: 'payment-succeeded', paymentId: signal.paymentId };
  }
}
