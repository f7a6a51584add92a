import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort, type RowReport, runFaultRow } from './fault-row.js';
import { faultToolsMissing } from './fault-tools.js';
import { workerOutage } from './outages.js';
import { createPrivateCluster, type PrivateCluster } from './postgres-cluster.js';
import { type PrivateTemporal, startPrivateTemporal, temporalBinary } from './temporal-server.js';

/*
 * The fault battery's Temporal rows: the saga engine frozen or killed mid-drop. A file of its own so they run beside
 * the other rows (vitest runs files in parallel) and can be run alone; same drop, same checks (fault-row.ts).
 */

const binary = temporalBinary();
const missing = faultToolsMissing() ?? (binary === null ? 'the Temporal CLI (scripts/services/temporal.sh builds it)' : null);
if (missing !== null) {
  if (process.env.CI) throw new Error(`the Temporal fault rows cannot run: ${missing}`);
  console.warn(`faults-temporal.test.ts skipped: ${missing}`);
}

/** How long each outage lasts, from the fault to the thaw or the start command. */
const FROZEN_MS = 8_000;
const KILLED_MS = 6_000;
/** 16 lanes, one order each per 1.5 s: ~10 orders/s, each a saga queued behind the outage. */
const STEADY_PAUSE_MS = 1_500;
/** Seconds past the payment window for every order to end: room for Temporal's task timeouts to stack (see fault-row). */
const SETTLE_SLACK_SECONDS = 120;

describe.skipIf(missing !== null)('fault battery: the Temporal server frozen or killed mid-drop', () => {
  let cluster: PrivateCluster;
  let temporal: PrivateTemporal;
  const reports: RowReport[] = [];
  beforeAll(async () => {
    [cluster, temporal] = await Promise.all([
      freePort().then((port) => createPrivateCluster(process.env.PG_CLUSTER_VERSION ?? '15', `lcfaults_t_${process.pid}`, port)),
      Promise.all([freePort(), freePort(), freePort()]).then(([grpc, http, metrics]) =>
        startPrivateTemporal(binary!, { grpc: grpc!, http: http!, metrics: metrics! }),
      ),
    ]);
  }, 180_000);

  afterAll(async () => {
    await cluster?.drop();
    await temporal?.drop();
    for (const report of reports) console.log(`fault row: ${JSON.stringify(report)}`);
  }, 60_000);

  const row = (name: string, spec: Omit<Parameters<typeof runFaultRow>[1], 'name'>) =>
    it(name, async () => {
      reports.push(await runFaultRow(cluster, { name, ...spec }));
    }, 300_000);

  row('Temporal server frozen (SIGSTOP) 8 s mid-drop, then thawed: the api takes orders throughout, every saga runs after', {
    temporalAddress: () => temporal.address,
    diagnose: (taskQueue) => temporal.diagnose(taskQueue),
    steadyPauseMs: STEADY_PAUSE_MS,
    settleSlackSeconds: SETTLE_SLACK_SECONDS,
    fault: (ctx) => workerOutage(() => temporal.freeze(), () => temporal.thaw(), FROZEN_MS)(ctx),
  });

  row('Temporal server kill -9 mid-saga, started again on its file: the api takes orders throughout, every saga runs after', {
    temporalAddress: () => temporal.address,
    diagnose: (taskQueue) => temporal.diagnose(taskQueue),
    steadyPauseMs: STEADY_PAUSE_MS,
    settleSlackSeconds: SETTLE_SLACK_SECONDS,
    fault: (ctx) => workerOutage(() => temporal.kill9(), () => temporal.start(), KILLED_MS)(ctx),
  });
});
