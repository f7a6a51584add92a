import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { waitFor } from '@limitedcart/core/testing';
import { expect } from 'vitest';
import { type Accepted, acceptedOf, type Attempt, cancel, pay, placeOrders, tally } from './drop.js';
import { countByStatus, expectSettled, readLedger, TERMINAL } from './ledger.js';
import type { PrivateCluster } from './postgres-cluster.js';
import { ServerProcess } from './server-process.js';
import { type CallRecord, login, registerShoppers, type ShopClient, shopClient, stockedProduct } from './shop-client.js';

/** A drop small enough for two cores, big enough to keep both processes busy through a fault. */
const UNITS = 40;
const SHOPPERS = 80;
/** Shoppers of the first wave, placed before the fault; the rest arrive while it happens. */
const FIRST_WAVE = 20;
/**
 * The payment window: short, so the unpaid orders of the first wave expire within the row, and shorter than the
 * skewed worker's 120 s lead, so a sweep on the worker's clock would release every hold at once.
 */
export const PAYMENT_WINDOW_SECONDS = 16;
/** How long a shopper's client keeps retrying one request: longer than any outage the rows cause. */
const RETRY_FOR_MS = 15_000;

export interface RowContext {
  readonly cluster: PrivateCluster;
  /** The row's schema and its drop's product. */
  readonly schema: string;
  readonly productId: string;
  /** The shoppers' client (it follows the api in service) and the first wave's accepted orders. */
  readonly shop: ShopClient;
  readonly firstWave: readonly Accepted[];
  /** The secret the gateway signs its webhooks with, so a row can deliver them again, late or out of order. */
  readonly webhookSecret: string;
  api(): ServerProcess;
  worker(): ServerProcess;
  /** Starts a new api process (new port) and points the shoppers at it once it is ready. */
  replaceApi(): Promise<void>;
  /** Starts a new worker process and waits until it is ready. */
  replaceWorker(): Promise<void>;
  /** Every request the shoppers' clients made so far. */
  requests(): readonly CallRecord[];
  /**
   * Runs `during` under a steady stream of orders for another product (no limit, ample stock), one lane per
   * shopper, so a process is busy with requests at any instant of the fault, not only while the drop lasts.
   */
  underSteadyLoad<T>(during: () => Promise<T>): Promise<T>;
}

export interface RowSpec {
  readonly name: string;
  /** Runs the processes with Redis admitting in front of the Postgres ledger (read when the row starts). */
  readonly redisUrl?: () => string;
  /** Runs the event bus on this Kafka (read when the row starts). */
  readonly kafkaBrokers?: () => string;
  readonly workerClockOffsetSeconds?: number;
  /** Runs the api this many seconds ahead of the machine's (and the database's) clock. */
  readonly apiClockOffsetSeconds?: number;
  /** Injected once the second wave is under way; returns what it measured for the report. */
  readonly fault?: (ctx: RowContext) => Promise<Record<string, unknown>>;
}

export interface RowReport {
  readonly row: string;
  readonly fault: Record<string, unknown>;
  readonly attempts: ReturnType<typeof tally>;
  /** Statuses the shoppers' clients got, per route (0: no answer). */
  readonly responses: Record<string, Record<string, number>>;
  readonly ordersByStatus: Record<string, number>;
  readonly stock: { available: number; held: number; sold: number; restockedTotal: number };
  readonly processes: Record<string, string>;
  readonly seconds: number;
}

/** A port nothing listens on right now, chosen by the OS. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * One row of the fault battery: an api process and a worker,relay process on a schema of their own, a drop of
 * 40 units to 80 shoppers in two waves, the row's fault while the second wave and the first wave's payments
 * are in flight, then payments, cancellations and expiries until every order has ended. Checks the ledger
 * exactly and that both processes are alive and ready at the end.
 */
export async function runFaultRow(cluster: PrivateCluster, spec: RowSpec): Promise<RowReport> {
  const startedAt = Date.now();
  const schema = `fault_${randomBytes(4).toString('hex')}`;
  const admin = { email: `admin-${schema}@example.com`, password: 'fault-admin-1' };
  const env: Record<string, string> = {
    LIMITEDCART_PROFILE: 'production',
    DATABASE_URL: cluster.url,
    DB_SCHEMA: schema,
    DB_POOL_SIZE: '10',
    JWT_KEY: randomBytes(32).toString('hex'),
    PAYMENT_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    ADMISSION_TOKEN_KEY: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
    PAYMENT_WINDOW_SECONDS: String(PAYMENT_WINDOW_SECONDS),
    // No payment grace: the rows check that every hold is one payment window long and that every order ends within
    // the window (a grace of the default 120 s would outlast both). The grace has its own suite (payment-retry).
    PAYMENT_GRACE_SECONDS: '0',
    HOLD_SWEEP_INTERVAL_MS: '250',
    // Well inside the shoppers' retry window: a key whose request died is taken over while they still retry.
    IDEMPOTENCY_STALE_CLAIM_SECONDS: '4',
    SHUTDOWN_GRACE_MS: '5000',
    SAGA_WORKER_LOOPS: '2',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_IP: '100000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '100000',
    // A row outlasts the default 5-minute access token, and its shoppers do not refresh.
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    RATE_LIMIT_ORDERS_PER_MINUTE: '100000',
    RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: '1000000',
    // The steady load orders one unlimited product over and over from 16 shoppers: keep those orders accepted.
    UNIT_CAP_PER_CUSTOMER: '0',
    ...(spec.redisUrl ? { REDIS_URL: spec.redisUrl() } : {}),
    ...(spec.kafkaBrokers ? { KAFKA_BROKERS: spec.kafkaBrokers() } : {}),
  };
  const started = { api: 0, worker: 0 };
  const nameOf = (role: 'api' | 'worker') => {
    started[role] += 1;
    return started[role] > 1 ? `${role} #${started[role]}` : role;
  };
  const startApi = async () =>
    ServerProcess.start({
      name: nameOf('api'),
      port: await freePort(),
      env: { ...env, LIMITEDCART_ROLES: 'api' },
      ...(spec.apiClockOffsetSeconds === undefined ? {} : { clockOffsetSeconds: spec.apiClockOffsetSeconds }),
    });
  const startWorker = async () =>
    ServerProcess.start({
      name: nameOf('worker'),
      port: await freePort(),
      env: { ...env, LIMITEDCART_ROLES: 'worker,relay' },
      ...(spec.workerClockOffsetSeconds === undefined ? {} : { clockOffsetSeconds: spec.workerClockOffsetSeconds }),
    });

  const processes: ServerProcess[] = [];
  let api = await startApi();
  processes.push(api);
  try {
    // The api migrates the fresh schema; the worker starts once it is there.
    await api.waitReady();
    let worker = await startWorker();
    processes.push(worker);
    const calls: CallRecord[] = [];
    const shop = shopClient(
      () => api.url,
      (record) => calls.push(record),
    );
    const [adminToken, shoppers] = await Promise.all([
      login(shop, admin.email, admin.password),
      registerShoppers(shop, SHOPPERS, schema),
      worker.waitReady(),
    ]);
    const productId = await stockedProduct(shop, adminToken, UNITS);

    // First wave, then every accepted order's saga running: no fault yet, so each hold must still be HELD.
    const firstWave = await placeOrders(shop, shoppers.slice(0, FIRST_WAVE), productId, { retryForMs: RETRY_FOR_MS });
    const first = acceptedOf(firstWave);
    const ctx: RowContext = {
      cluster,
      schema,
      productId,
      shop,
      firstWave: first,
      webhookSecret: env.PAYMENT_WEBHOOK_SECRET!,
      api: () => api,
      worker: () => worker,
      async replaceApi() {
        const next = await startApi();
        processes.push(next);
        await next.waitReady();
        api = next;
      },
      async replaceWorker() {
        const next = await startWorker();
        processes.push(next);
        await next.waitReady();
        worker = next;
      },
      requests: () => calls,
      async underSteadyLoad(during) {
        const steadyProduct = await stockedProduct(shop, adminToken, 1_000_000, 0);
        let running = true;
        const lanes = shoppers.slice(0, 16).map(async (shopper) => {
          while (running) {
            const answer = await shop.call('POST', '/api/orders', {
              token: shopper.token,
              idempotencyKey: `steady-${randomBytes(8).toString('hex')}`,
              body: { productId: steadyProduct, quantity: 1 },
            });
            // Refused (the api is gone): the client's pause before it tries again.
            if (answer.status === 0) await new Promise((resolve) => setTimeout(resolve, 20));
          }
        });
        try {
          return await during();
        } finally {
          running = false;
          await Promise.all(lanes);
        }
      },
    };

    expect(first, `first wave: ${JSON.stringify(tally(firstWave))}`).toHaveLength(FIRST_WAVE);
    await waitFor(
      async () => {
        const ledger = await readLedger(cluster.url, schema, productId);
        return first.every(({ orderId }) => ledger.orders.get(orderId) !== 'PENDING') ? ledger : null;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'the first wave’s sagas to start' },
    );
    const early = await readLedger(cluster.url, schema, productId);
    for (const { orderId } of first) {
      // Well inside the payment window by the database's clock: nothing may have ended or released these.
      expect(`${early.orders.get(orderId)}/${early.holds.get(orderId)}`, `order ${orderId} inside its window`).toBe('PAYMENT_PENDING/HELD');
    }

    // Second wave and the first wave's payments together; the fault lands once a few answers are in. Each order of
    // the second wave is paid or cancelled as soon as it is accepted, so shoppers stuck retrying hold nobody up.
    const payers = first.filter((_, index) => index % 2 === 0);
    const actions: Promise<boolean>[] = payers.map(({ shopper, orderId }) => pay(shop, shopper, orderId, RETRY_FOR_MS));
    let answers = 0;
    let secondAccepted = 0;
    const secondWave = placeOrders(shop, shoppers.slice(FIRST_WAVE), productId, {
      retryForMs: RETRY_FOR_MS,
      onAnswer: () => {
        answers += 1;
      },
      onAccepted: ({ shopper, orderId }) => {
        secondAccepted += 1;
        actions.push(secondAccepted % 2 === 1 ? pay(shop, shopper, orderId, RETRY_FOR_MS) : cancel(shop, shopper, orderId, RETRY_FOR_MS));
      },
    });
    let faultFigures: Record<string, unknown> = {};
    if (spec.fault) {
      await waitFor(() => answers >= 5, { timeoutMs: 20_000, intervalMs: 5, message: 'the second wave to be under way' });
      faultFigures = await spec.fault(ctx);
    }
    // A few of the first wave cancel; its other unpaid orders are left to expire.
    actions.push(...first.filter((_, index) => index % 4 === 1).map(({ shopper, orderId }) => cancel(shop, shopper, orderId, RETRY_FOR_MS)));
    const attempts: Attempt[] = [...firstWave, ...(await secondWave)];
    await Promise.all(actions);
    // Every shopper learned the fate of their order: no Idempotency-Key stuck in flight, no order without its 202.
    expect(
      attempts.filter((attempt) => attempt.kind === 'unanswered'),
      'shoppers left without an answer (an Idempotency-Key stuck in flight, or the outage outlasting their retries)',
    ).toEqual([]);

    let lastRead = '';
    const ledger = await waitFor(
      async () => {
        const read = await readLedger(cluster.url, schema, productId);
        const open = [...read.orders].filter(([, status]) => !(TERMINAL as readonly string[]).includes(status));
        lastRead = `stock ${JSON.stringify(read.stock)}; open orders: ${JSON.stringify(open.map(([id, status]) => `${id} ${status}/${read.holds.get(id)}`))}`;
        return open.length === 0 && read.stock.held === 0 ? read : null;
      },
      { timeoutMs: (PAYMENT_WINDOW_SECONDS + 45) * 1000, intervalMs: 250, message: 'every order to end and every hold to settle' },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)} (last read: ${lastRead})`, { cause: error });
    });
    expectSettled(ledger, UNITS, acceptedOf(attempts).map((attempt) => attempt.orderId));
    if (spec.apiClockOffsetSeconds !== undefined) {
      // The api placed every order on the database's time: each hold is one payment window long by that clock (less
      // the moment between placing the order and its row's insert; on the api's own clock it would be 120 s longer).
      const off = acceptedOf(attempts)
        .map(({ orderId }) => ledger.holdWindows.get(orderId) ?? Number.NaN)
        .filter((window) => !(Math.abs(window - PAYMENT_WINDOW_SECONDS) < 2));
      expect(off, `hold windows (s, by the database’s clock) more than 2 s off ${PAYMENT_WINDOW_SECONDS}`).toEqual([]);
    }
    if (spec.workerClockOffsetSeconds !== undefined) {
      // Paid inside the window: a hold released early would have ended them FAILED ("stock hold lost").
      const statuses = payers.map(({ orderId }) => `${ledger.orders.get(orderId)} (${ledger.reasons.get(orderId) ?? ''})`);
      expect(statuses, 'first-wave payers').toEqual(payers.map(() => 'CONFIRMED ()'));
    }

    // Nobody died unasked, and both processes in service now are alive and ready, without a restart.
    for (const process of processes) {
      expect(process.alive || process.stoppedOnPurpose, `${process.name} exited ${JSON.stringify(process.exit)}\n${process.tail()}`).toBe(true);
    }
    for (const process of [api, worker]) {
      expect(process.alive, `${process.name} alive\n${process.tail()}`).toBe(true);
      await waitFor(async () => (await process.readiness()) === 200, { timeoutMs: 20_000, intervalMs: 100, message: `${process.name} ready` });
    }
    const byStock = await shop.call('GET', `/api/inventory/stock?productId=${productId}`, { token: adminToken });
    expect(byStock.body.items[0], 'the api reports the ledger').toMatchObject(ledger.stock);
    if (spec.redisUrl) {
      // Drift the fault caused (a Redis that came back empty) is repaired by itself: the tiers agree again.
      await waitFor(
        async () => (await shop.call('GET', '/api/inventory/reconcile', { token: adminToken })).body?.inSync === true,
        { timeoutMs: 30_000, intervalMs: 250, message: 'the Redis tier to agree with the ledger again' },
      );
    }

    return {
      row: spec.name,
      fault: faultFigures,
      attempts: tally(attempts),
      responses: responsesByRoute(calls),
      ordersByStatus: countByStatus(ledger),
      stock: ledger.stock,
      processes: Object.fromEntries(processes.map((p) => [p.name, p.alive ? 'alive' : `exited ${JSON.stringify(p.exit)}`])),
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    };
  } catch (error) {
    // FAULT_LOG_DIR keeps every line of every process of a failed row, for what the tails below leave out.
    const logDir = process.env.FAULT_LOG_DIR;
    if (logDir) {
      await mkdir(logDir, { recursive: true });
      for (const p of processes) await writeFile(join(logDir, `${schema}-${p.name.replace(/\W+/g, '_')}.log`), p.lines.join('\n'));
    }
    throw new Error(`${String(error)}\n${processes.map((p) => p.tail(25)).join('\n')}`, { cause: error });
  } finally {
    await Promise.all(processes.map((p) => p.kill9()));
  }
}

/** `POST /api/orders/:id/cancel` → status → count; ids (long segments with digits) folded into `:id`. */
function responsesByRoute(calls: readonly CallRecord[]): Record<string, Record<string, number>> {
  const byRoute: Record<string, Record<string, number>> = {};
  for (const call of calls) {
    const path = call.path
      .split('?')[0]!
      .split('/')
      .map((segment) => (segment.length > 16 && /\d/.test(segment) ? ':id' : segment))
      .join('/');
    const key = `${call.method} ${path}`;
    const route = byRoute[key] ?? {};
    route[call.status] = (route[call.status] ?? 0) + 1;
    byRoute[key] = route;
  }
  return byRoute;
}
