import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RowContext, type RowReport, runFaultRow } from './fault-row.js';
import { faultToolsMissing } from './fault-tools.js';
import { readLedger } from './ledger.js';
import { createPrivateCluster, type PrivateCluster } from './postgres-cluster.js';
import { type PrivateKafka, startPrivateKafka } from './kafka-broker.js';
import { type PrivateRedis, startPrivateRedis } from './redis-server.js';
import { deliverWebhook, paymentsOf } from './webhooks.js';
import { bothAnswer, workerOutage } from './outages.js';

const missing = faultToolsMissing();
if (missing !== null) {
  if (process.env.CI) throw new Error(`the fault battery cannot run: ${missing} (scripts/tools/faults.sh installs what it needs)`);
  console.warn(`faults.test.ts skipped: ${missing}`);
}

/** A database outage under load: readiness must go 503 while it lasts and 200 again by itself, nobody dies. */
const outage = (cut: (ctx: RowContext) => Promise<void>) => async (ctx: RowContext) => {
  const cutAt = Date.now();
  await cut(ctx);
  await bothAnswer(ctx, 503, 15_000);
  const notReadyAfterMs = Date.now() - cutAt;
  const startAt = Date.now();
  await ctx.cluster.start();
  const upAfterMs = Date.now() - startAt;
  await bothAnswer(ctx, 200, 30_000);
  // Measured from the start command: how long after Postgres came back both processes were ready again.
  return { outageMs: startAt - cutAt, notReadyAfterMs, databaseUpAfterMs: upAfterMs, readyAgainAfterMs: Date.now() - startAt };
};

const readLedgerOf = (ctx: RowContext) => readLedger(ctx.cluster.url, ctx.schema, ctx.productId);

describe.skipIf(missing !== null)('fault battery: separate api and worker processes through faults', () => {
  let cluster: PrivateCluster;
  let redis: PrivateRedis;
  let kafka: PrivateKafka | undefined;
  const reports: RowReport[] = [];
  beforeAll(async () => {
    // Ports of their own, never the shared services' (5432, 6379).
    [cluster, redis, kafka] = await Promise.all([
      freePort().then((port) => createPrivateCluster(process.env.PG_CLUSTER_VERSION ?? '15', `lcfaults_${process.pid}`, port)),
      freePort().then((port) => startPrivateRedis(port)),
      Promise.all([freePort(), freePort()]).then(([port, controllerPort]) => startPrivateKafka(port, controllerPort)),
    ]);
  }, 180_000);

  afterAll(async () => {
    await cluster?.drop();
    await redis?.stop();
    await kafka?.drop();
    for (const report of reports) console.log(`fault row: ${JSON.stringify(report)}`);
  }, 60_000);

  const row = (name: string, spec: Omit<Parameters<typeof runFaultRow>[1], 'name'>) =>
    it(name, async () => {
      reports.push(await runFaultRow(cluster, { name, ...spec }));
    }, 150_000);

  row('Postgres stop -m fast and start under load', { fault: outage((ctx) => ctx.cluster.stopFast()) });

  row('Postgres postmaster kill -9 and start under load', { fault: outage((ctx) => ctx.cluster.killPostmaster()) });

  row('api kill -9 mid-drop', {
    async fault(ctx) {
      const exit = await ctx.api().kill9();
      const killedAt = Date.now();
      await ctx.replaceApi();
      return { killed: exit, replacementReadyMs: Date.now() - killedAt };
    },
  });

  row('worker kill -9 mid-saga', {
    async fault(ctx) {
      const exit = await ctx.worker().kill9();
      const killedAt = Date.now();
      await ctx.replaceWorker();
      return { killed: exit, replacementReadyMs: Date.now() - killedAt };
    },
  });

  row('SIGTERM on the api, then the worker, mid-drop: a clean drain', {
    async fault(ctx) {
      const api = ctx.api();
      const apiLines = api.lines.length;
      const signalledAt = Date.now();
      // The replacement boots while the old api drains, as in a rolling update; orders keep coming throughout.
      const [apiExit, apiStoppedMs] = await ctx.underSteadyLoad(async () => {
        const [exit] = await Promise.all([api.terminate(), ctx.replaceApi()]);
        return [exit, Date.now() - signalledAt] as const;
      });
      const toOld = ctx.requests().filter((request) => request.baseUrl === api.url);
      const orders = toOld.filter((request) => request.path === '/api/orders');
      const unansweredBefore = orders.filter((request) => request.sentAt < signalledAt && request.status === 0).length;
      const acceptedAfter = orders.filter((request) => request.sentAt >= signalledAt && request.status === 202).length;
      // Each keep-alive connection carries at most the one request it had when the drain began, then closes, and
      // the listener closes once the gateway's webhooks are out, and idle keep-alive connections linger a second
      // (drainHttpServer) so a request already in their socket is answered: three seconds on, the old api answers
      // nobody (before, it took orders on its keep-alive connections until the grace ran out).
      const answered = toOld.filter((request) => request.status !== 0).map((request) => request.sentAt - signalledAt);
      const lastAnsweredMs = Math.max(0, ...answered);
      const answeredLate = answered.filter((offsetMs) => offsetMs >= 3_000).length;
      expect(apiExit, api.tail()).toEqual({ code: 0, signal: null });
      expect(api.errorLines(apiLines), 'api error lines while draining').toEqual([]);
      expect(answeredLate, `requests the draining api answered though sent 3 s after SIGTERM (last sent ${lastAnsweredMs} ms after)`).toBe(0);
      expect(unansweredBefore, 'orders sent before SIGTERM that the draining api left unanswered').toBe(0);

      // Steady orders keep sagas starting and advancing while the worker stops.
      const worker = ctx.worker();
      const workerLines = worker.lines.length;
      const workerSignalledAt = Date.now();
      const [workerExit] = await ctx.underSteadyLoad(() => Promise.all([worker.terminate(), ctx.replaceWorker()]));
      expect(workerExit, worker.tail()).toEqual({ code: 0, signal: null });
      expect(worker.errorLines(workerLines), 'worker error lines while draining').toEqual([]);
      return {
        api: { exit: apiExit, stoppedAfterMs: apiStoppedMs, ordersUnansweredSentBefore: unansweredBefore, ordersAcceptedSentAfter: acceptedAfter, lastAnsweredMs },
        worker: { exit: workerExit, stoppedAfterMs: Date.now() - workerSignalledAt },
      };
    },
  });

  row('the drop’s stock row locked mid-drop: attempts answer 503 TIMEOUT within seconds, nothing hangs, all settles after', {
    async fault(ctx) {
      const holder = new pg.Client({ connectionString: ctx.cluster.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM "${ctx.schema}".stock s JOIN "${ctx.schema}".products p ON p.sku = s.sku WHERE p.id = $1 FOR UPDATE OF s`,
        [ctx.productId],
      );
      const lockedAt = Date.now();
      const ordersDuring = () => ctx.requests().filter((request) => request.path === '/api/orders' && request.sentAt >= lockedAt);
      // Held until attempts made while it is held have been refused with TIMEOUT: the gate gave up waiting, as designed.
      await waitFor(() => ordersDuring().filter((request) => request.code === 'TIMEOUT').length >= 3, {
        timeoutMs: 30_000,
        intervalMs: 20,
        message: 'order attempts refused with 503 TIMEOUT while the row is locked',
      });
      await holder.query('ROLLBACK');
      await holder.end();
      const during = ordersDuring();
      const slowestMs = Math.max(...during.map((request) => request.durationMs));
      expect(slowestMs, 'ms of the slowest order attempt while the row was locked').toBeLessThan(8_000);
      return {
        lockedMs: Date.now() - lockedAt,
        attempts: during.length,
        timeouts: during.filter((request) => request.code === 'TIMEOUT').length,
        slowestMs,
      };
    },
  });

  row('Redis killed mid-drop and back empty (tiered gate): refusals at once, no oversell, tiers in sync after', {
    redisUrl: () => redis.url,
    async fault(ctx) {
      const port = Number(new URL(redis.url).port);
      const cutAt = Date.now();
      await redis.stop();
      await bothAnswer(ctx, 503, 15_000);
      const notReadyAfterMs = Date.now() - cutAt;
      const startAt = Date.now();
      redis = await startPrivateRedis(port);
      await bothAnswer(ctx, 200, 30_000);
      return { outageMs: startAt - cutAt, notReadyAfterMs, readyAgainAfterMs: Date.now() - startAt };
    },
  });

  // With Redis in front (the tiered gate), so both tiers' expiry is on trial: Postgres now() and Redis TIME.
  row('api and worker 120 s ahead (faketime), Redis admitting: holds as long as the window, none released early', {
    workerClockOffsetSeconds: 120,
    apiClockOffsetSeconds: 120,
    redisUrl: () => redis.url,
  });

  row('Kafka broker kill -9 and restart mid-drop (Kafka bus): the api takes orders throughout, the worker catches up', {
    kafkaBrokers: () => kafka!.brokers,
    fault: (ctx) => workerOutage(() => kafka!.kill9(), () => kafka!.start(), 6_000)(ctx),
  });

  row('webhooks redelivered, out of order and late: one outcome per payment, a late success refunded', {
    async fault(ctx) {
      const orderIds = (accepted: readonly { orderId: string }[]) => accepted.map(({ orderId }) => orderId);
      // The first wave's orders that are left to expire (see runFaultRow) open a payment that is never paid here.
      const expiring = ctx.firstWave.filter((_, index) => index % 4 === 3);
      for (const { shopper, orderId } of expiring) {
        const opened = await ctx.shop.retry('POST', '/api/payments/initiate', { token: shopper.token, body: { orderId } }, Date.now() + 15_000);
        expect(opened.status, JSON.stringify(opened.body)).toBe(201);
      }
      const payers = ctx.firstWave.filter((_, index) => index % 2 === 0);
      const statusesOf = async (ids: readonly string[]) => {
        const ledger = await readLedgerOf(ctx);
        return ids.map((id) => ledger.orders.get(id));
      };
      await waitFor(async () => (await statusesOf(orderIds(payers))).every((status) => status === 'CONFIRMED'), {
        timeoutMs: 30_000,
        intervalMs: 200,
        message: 'the first wave’s payers to be CONFIRMED',
      });
      // Each paid payment's success again, twice at once, then a decline that arrives after it.
      const paid = (await paymentsOf(ctx.cluster.url, ctx.schema, orderIds(payers))).filter((payment) => payment.status === 'SUCCEEDED');
      expect(paid).toHaveLength(payers.length);
      const redelivered = await Promise.all(
        paid.flatMap((payment) => [
          deliverWebhook(ctx.api().url, ctx.webhookSecret, payment, 'payment.succeeded'),
          deliverWebhook(ctx.api().url, ctx.webhookSecret, payment, 'payment.succeeded'),
        ]),
      );
      const outOfOrder = await Promise.all(paid.map((payment) => deliverWebhook(ctx.api().url, ctx.webhookSecret, payment, 'payment.declined')));
      // A success that comes after its order expired: the money goes back, the unit stays released.
      await waitFor(async () => (await statusesOf(orderIds(expiring))).every((status) => status === 'EXPIRED'), {
        timeoutMs: 40_000,
        intervalMs: 200,
        message: 'the unpaid orders to expire',
      });
      const open = await paymentsOf(ctx.cluster.url, ctx.schema, orderIds(expiring));
      const late = await Promise.all(open.map((payment) => deliverWebhook(ctx.api().url, ctx.webhookSecret, payment, 'payment.succeeded')));
      const lateAgain = await Promise.all(open.map((payment) => deliverWebhook(ctx.api().url, ctx.webhookSecret, payment, 'payment.succeeded')));
      expect([...redelivered, ...outOfOrder, ...late, ...lateAgain].filter((status) => status !== 200), 'webhook answers other than 200').toEqual([]);

      expect(await statusesOf(orderIds(payers)), 'paid orders after redelivered and out-of-order webhooks').toEqual(payers.map(() => 'CONFIRMED'));
      expect(await statusesOf(orderIds(expiring)), 'expired orders after a late success').toEqual(expiring.map(() => 'EXPIRED'));
      const after = await waitFor(
        async () => {
          const payments = await paymentsOf(ctx.cluster.url, ctx.schema, [...orderIds(payers), ...orderIds(expiring)]);
          return payments.filter((payment) => orderIds(expiring).includes(payment.order_id)).every((payment) => payment.status === 'REFUNDED')
            ? payments
            : null;
        },
        { timeoutMs: 20_000, intervalMs: 200, message: 'every late success to be refunded' },
      );
      const stillPaid = after.filter((payment) => orderIds(payers).includes(payment.order_id));
      expect(stillPaid.map((payment) => payment.status), 'payments of the paid orders').toEqual(stillPaid.map(() => 'SUCCEEDED'));
      return { redelivered: redelivered.length, outOfOrder: outOfOrder.length, late: late.length + lateAgain.length, refunded: open.length };
    },
  });
});
