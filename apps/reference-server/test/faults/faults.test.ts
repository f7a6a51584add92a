import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RowContext, type RowReport, runFaultRow } from './fault-row.js';
import { faultToolsMissing } from './fault-tools.js';
import { createPrivateCluster, type PrivateCluster } from './postgres-cluster.js';
import { type PrivateRedis, startPrivateRedis } from './redis-server.js';

const missing = faultToolsMissing();
if (missing !== null) {
  if (process.env.CI) throw new Error(`the fault battery cannot run: ${missing} (scripts/tools/faults.sh installs what it needs)`);
  console.warn(`faults.test.ts skipped: ${missing}`);
}

/** Waits until both processes answer /readyz with `status`; a process that died fails the wait at once. */
async function bothAnswer(ctx: RowContext, status: number, timeoutMs: number): Promise<void> {
  const processes = () => [ctx.api(), ctx.worker()];
  const outcome = await waitFor(
    async () => {
      if (processes().some((process) => !process.alive)) return 'died';
      const answers = await Promise.all(processes().map((process) => process.readiness()));
      return answers.every((answer) => answer === status) ? 'answered' : null;
    },
    { timeoutMs, intervalMs: 50, message: `api and worker to answer /readyz ${status}` },
  ).catch((error: unknown) => error);
  if (outcome !== 'answered') {
    const states = processes().map((process) => `${process.name}: ${process.alive ? 'alive' : `died ${JSON.stringify(process.exit)}`}`);
    throw new Error(`${outcome === 'died' ? 'a process died' : String(outcome)} (${states.join('; ')})\n${processes().map((p) => p.tail(15)).join('\n')}`);
  }
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

describe.skipIf(missing !== null)('fault battery: separate api and worker processes through faults', () => {
  let cluster: PrivateCluster;
  let redis: PrivateRedis;
  const reports: RowReport[] = [];
  beforeAll(async () => {
    // Ports of their own, never the shared services' (5432, 6379).
    [cluster, redis] = await Promise.all([
      freePort().then((port) => createPrivateCluster(process.env.PG_CLUSTER_VERSION ?? '15', `lcfaults_${process.pid}`, port)),
      freePort().then((port) => startPrivateRedis(port)),
    ]);
  }, 60_000);

  afterAll(async () => {
    await cluster?.drop();
    await redis?.stop();
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
      // the listener closes once the gateway's webhooks are out: a second later the old api answers nobody.
      const answeredLate = toOld.filter((request) => request.sentAt >= signalledAt + 1_000 && request.status !== 0).length;
      expect(apiExit, api.tail()).toEqual({ code: 0, signal: null });
      expect(api.errorLines(apiLines), 'api error lines while draining').toEqual([]);
      expect(answeredLate, 'requests the draining api answered though sent a second after SIGTERM').toBe(0);
      expect(unansweredBefore, 'orders sent before SIGTERM that the draining api left unanswered').toBe(0);

      // Steady orders keep sagas starting and advancing while the worker stops.
      const worker = ctx.worker();
      const workerLines = worker.lines.length;
      const workerSignalledAt = Date.now();
      const [workerExit] = await ctx.underSteadyLoad(() => Promise.all([worker.terminate(), ctx.replaceWorker()]));
      expect(workerExit, worker.tail()).toEqual({ code: 0, signal: null });
      expect(worker.errorLines(workerLines), 'worker error lines while draining').toEqual([]);
      return {
        api: { exit: apiExit, stoppedAfterMs: apiStoppedMs, ordersUnansweredSentBefore: unansweredBefore, ordersAcceptedSentAfter: acceptedAfter, answeredLate },
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
});
