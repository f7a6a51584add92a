import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ApiClient, pollUntil } from './api-client.js';
import { shopperIp } from './load-types.js';
import type { QueueOptions } from './options.js';
import { createDrop, type RunContext } from './phases.js';
import { perSecond, spearman } from './queue-stats.js';
import { type QueueRequestCounts, type QueueShopperSpec, runQueueShoppers, type ShopperRecord } from './queue-shoppers.js';
import { cleanUp, serverSetup } from './server-env.js';
import { ensureBuilt } from './server-build.js';
import { launchServer } from './server-process.js';
import { gaugeValue, histogramSummary } from './server-metrics.js';
import { seedShoppers } from './shoppers.js';
import { latencyOf, type Latency } from './stats.js';
import type { Check, StockLine } from './verify.js';

/** Setup time left before the first join, so the first shoppers are not late because the run was. */
const LEAD_MS = 2_000;
/** The bot's address: all its accounts join from here. */
const BOT_IP = '192.0.2.66';

export interface QueueAdminView {
  readonly state: 'OPEN' | 'SOLD_OUT';
  readonly waiting: number;
  readonly admitted: number;
  readonly used: number;
  readonly abandoned: number;
  readonly turnedAway: number;
  readonly suspiciousAddresses: readonly { address: string; entries: number }[];
}

export interface QueuePhase {
  readonly settings: QueueOptions;
  readonly opensAt: string;
  readonly setupSeconds: number;
  readonly joins: {
    readonly answered: number;
    /** Joins answered ÷ (last answer − first send). */
    readonly perSecond: number;
    /** The busiest second. */
    readonly peakPerSecond: number;
    readonly latency: Latency;
    readonly refusedByAddressCap: number;
    readonly soldOutOnJoin: number;
  };
  readonly requests: QueueRequestCounts;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Distinct admissions the shoppers saw. */
  readonly admissionsSeen: number;
  /** ms from the admission (server instant) until the shopper knew, by how they learnt it. */
  readonly noticeDelay: {
    readonly poll: Latency;
    readonly sse: Latency;
    readonly sseStreamsOpened: number;
    readonly sseShoppers: number;
    /** Shoppers of the stream sample who were admitted (however they learnt it). */
    readonly sseAdmitted: number;
  };
  /** Where the stream's notice spends its time: the server's bus, its event loop, or this load generator's. */
  readonly streamDiagnostics: {
    /** ms from the admission to the stream's `queue.admitted` at the client, whether or not a poll came first. */
    readonly streamOwn: Latency;
    /** Admitted shoppers of the sample whose stream never delivered `queue.admitted` (within a minute). */
    readonly streamNeverDelivered: number;
    /** The server's `limitedcart_event_delivery_delay_seconds{topic="queues"}` (bucket bounds, ms); null: no scrape. */
    readonly serverQueueDelivery: { readonly count: number; readonly p50: number; readonly p95: number; readonly p99: number } | null;
    /** The server's event-loop lag (prom-client's gauges at the end of the run, ms). */
    readonly serverLoopLagMs: { readonly p99: number | null; readonly max: number | null };
    readonly clientLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
    /** Queries waiting for a connection of the server's Postgres pool, sampled every 5 s (empty: no Postgres). */
    readonly poolWaiting: Latency;
  };
  /** Turns that ended before the shopper looked again (a poll interval longer than the turn left). */
  readonly lapsedUnseen: number;
  /** ms from the opening to the last admission (the server's instant: end of the turn − turn length). */
  readonly openingToLastAdmissionMs: number | null;
  /** ms from the opening to the last shopper's final answer. */
  readonly openingToLastAnswerMs: number | null;
  readonly accepted: number;
  readonly unanswered: number;
  readonly fairness: {
    /** Units won by shoppers who joined before the opening ÷ units won. */
    readonly preOpeningShareOfUnits: number | null;
    /** Shoppers who joined before the opening ÷ all who joined. */
    readonly preOpeningShareOfJoiners: number | null;
    /** The same by when the join was sent: a join sent before the opening may be answered after it when joins queue up. */
    readonly sentBeforeOpeningShareOfUnits: number | null;
    readonly sentBeforeOpeningShareOfJoiners: number | null;
    readonly lateArrivals: number;
    /** Spearman: join order vs place in line (the queue's ticket, from its table) for shoppers who joined after the opening. */
    readonly lateJoinVsLineOrder: number | null;
    /** Spearman: join order vs admission order (admission instants; a round's admissions tie) for late arrivals admitted. */
    readonly lateJoinVsAdmissionOrder: number | null;
    readonly lateAdmitted: number;
    /** Spearman: join order vs line order for the shoppers drawn at the opening (about 0 for a fair raffle). */
    readonly earlyJoinVsLineOrder: number | null;
    readonly bot: { readonly accounts: number; readonly entries: number; readonly refused: number; readonly admitted: number; readonly units: number };
    readonly human: { readonly shoppers: number; readonly units: number; readonly unitsPerShopper: number };
  };
  readonly admin: QueueAdminView | null;
  readonly stock: StockLine | null;
  readonly checks: readonly Check[];
  readonly ok: boolean;
}

/** Fewest pairs a rank correlation is reported for. */
const MIN_PAIRS = 30;

const count = <T>(items: readonly T[], test: (item: T) => boolean) => items.reduce((n, item) => n + (test(item) ? 1 : 0), 0);

/** Starts the server, sets up a queued drop and its shoppers, runs them to the end, checks the books. */
export async function runQueuePhase(context: RunContext): Promise<QueuePhase> {
  const { options, tag, log } = context;
  const settings = options.queue!;
  const setup = await serverSetup(options.profile, { tag, runDir: context.runDir, logLevel: context.logLevel });
  Object.assign(setup.env, {
    QUEUE_ADMIT_INTERVAL_MS: String(settings.admitIntervalMs),
    ADMISSION_TOKEN_KEY: randomBytes(32).toString('base64url'),
  });
  if (options.server === 'dist') await ensureBuilt(context.repoRoot, context.logFile, log);
  log(`starting the reference server (${options.profile}, ${options.processes} process(es); log: ${context.logFile})`);
  const server = await launchServer({
    mode: 'app',
    code: options.server,
    processes: options.processes,
    sagaWorkers: options.sagaWorkers,
    env: setup.env,
    logFile: context.logFile,
  });
  const api = new ApiClient(server.url);
  try {
    const admin = await api.call<{ accessToken: string }>('POST', '/api/auth/login', { body: { email: setup.adminEmail, password: setup.adminPassword } });
    const token = admin.body.accessToken;
    const productId = await createDrop(api, token, `Queued drop ${tag}`, options.units, tag);

    const setupStarted = performance.now();
    const total = options.shoppers + settings.botAccounts;
    log(`seeding ${total} shoppers (${settings.botAccounts} of them one bot's accounts; setup, not measured)`);
    const accounts = await seedShoppers({ databaseUrl: setup.databaseUrl, schema: setup.schema, count: total, tag, jwtKey: setup.jwtKey, jwtIssuer: setup.jwtIssuer });
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const joinWindowMs = settings.joinWindowSeconds * 1000;
    const opensAt = Date.now() + LEAD_MS + joinWindowMs;
    await api.call('PUT', `/api/admin/drops/${productId}/queue`, {
      token,
      body: {
        opensAt: new Date(opensAt).toISOString(),
        mode: settings.mode,
        admitForSeconds: settings.admitForSeconds,
        abandonmentMargin: settings.abandonmentMargin,
        proofOfWork: null,
        maxEntriesPerAddress: settings.addressCap > 0 ? settings.addressCap : null,
      },
    });
    const lateCount = Math.round(options.shoppers * settings.lateShare);
    const botJoinAt = opensAt - joinWindowMs / 2;
    const specs: QueueShopperSpec[] = accounts.map((account, index) => {
      const bot = index >= options.shoppers;
      const late = !bot && index < lateCount;
      const joinAt = bot
        ? botJoinAt
        : late
          ? opensAt + 200 + Math.random() * (settings.lateWindowSeconds * 1000 - 200)
          : opensAt - joinWindowMs + Math.random() * (joinWindowMs - 200);
      // The stream sample: the last humans by index, who join before the opening.
      const sse = !bot && index >= options.shoppers - settings.sseShoppers;
      return { index, customerId: account.customerId, token: account.token, ip: bot ? BOT_IP : shopperIp(index), bot, joinAt, abandons: Math.random() < settings.abandonShare, sse };
    });
    log(
      `${options.shoppers} shoppers join over the ${settings.joinWindowSeconds} s before the opening (${lateCount} in the ${settings.lateWindowSeconds} s after it), ` +
        `the bot's ${settings.botAccounts} accounts at once; ${options.units} units; opening at ${new Date(opensAt).toISOString()}`,
    );
    const deadline = opensAt + settings.timeoutSeconds * 1000;
    // The server's pool, sampled while the shoppers run: queries waiting for a connection delay every round trip.
    const poolWaiting: number[] = [];
    const samplePool = async () => {
      const text = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
        .then((answer) => (answer.ok ? answer.text() : null))
        .catch(() => null);
      const waiting = text === null ? null : gaugeValue(text, 'limitedcart_db_pool_clients', { state: 'waiting' });
      if (waiting !== null) poolWaiting.push(waiting);
    };
    const run = await runQueueShoppers({
      origin: server.url,
      productId,
      shoppers: specs,
      connections: options.connections,
      deadline,
      onProgress: (records) => {
        void samplePool();
        const done = count(records, (r) => r.outcome !== null);
        const bought = count(records, (r) => r.outcome === 'bought');
        const joined = count(records, (r) => r.joinAnsweredAt !== null);
        log(`t${Date.now() >= opensAt ? '+' : '-'}${Math.abs(Math.round((Date.now() - opensAt) / 1000))} s: joined ${joined}, bought ${bought}, answered ${done} of ${records.length}`);
      },
    });
    const records = run.records;
    log('reading the books');
    const metricsText = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
      .then((answer) => (answer.ok ? answer.text() : null))
      .catch(() => null);
    const adminView = await api
      .call<QueueAdminView>('GET', `/api/admin/drops/${productId}/queue`, { token })
      .then((answer) => answer.body)
      .catch(() => null);
    // Paid orders are confirmed by the sagas: wait until nothing of the drop is held any more, or a while.
    let stock: StockLine | null = null;
    const readStock = async () => {
      const body = await api.call<{ items: StockLine[] }>('GET', `/api/inventory/stock?productId=${encodeURIComponent(productId)}`, { token });
      stock = body.body.items.find((line) => line.productId === productId) ?? null;
      return stock;
    };
    await pollUntil(async () => (await readStock())?.held === 0, { timeoutMs: 30_000, intervalMs: 250 });
    const orders = await api.call<{ total: number }>('GET', `/api/admin/orders?${new URLSearchParams({ productId, size: '1' })}`, { token });
    const tickets = await lineTickets(setup.databaseUrl, setup.schema, productId).catch(() => null);
    return figures({
      settings,
      opensAt,
      setupSeconds,
      records,
      requests: run.requests,
      units: options.units,
      admin: adminView,
      stock,
      ordersInDatabase: orders.body.total,
      tickets,
      metricsText,
      clientLoopDelayMs: run.clientLoopDelayMs,
      poolWaiting,
    });
  } finally {
    await api.close();
    await server.stop();
    if (!options.keep) await cleanUp(setup, context.runDir).catch((error: unknown) => log(`clean-up failed: ${String(error)}`));
  }
}

function streamDiagnostics(
  input: { metricsText: string | null; clientLoopDelayMs: QueuePhase['streamDiagnostics']['clientLoopDelayMs']; poolWaiting: readonly number[] },
  admitted: readonly ShopperRecord[],
  admittedAt: (record: ShopperRecord) => number,
): QueuePhase['streamDiagnostics'] {
  const sample = admitted.filter((r) => r.spec.sse);
  const delivery = input.metricsText ? histogramSummary(input.metricsText, 'limitedcart_event_delivery_delay_seconds', { topic: 'queues' }) : null;
  const gaugeMs = (name: string) => {
    const seconds = input.metricsText ? gaugeValue(input.metricsText, name) : null;
    return seconds === null ? null : seconds * 1000;
  };
  return {
    streamOwn: latencyOf(sample.filter((r) => r.streamAdmittedAt !== null).map((r) => Math.max(0, r.streamAdmittedAt! - admittedAt(r)))),
    streamNeverDelivered: count(sample, (r) => r.streamAdmittedAt === null),
    serverQueueDelivery: delivery && { count: delivery.count, p50: delivery.p50 * 1000, p95: delivery.p95 * 1000, p99: delivery.p99 * 1000 },
    serverLoopLagMs: { p99: gaugeMs('nodejs_eventloop_lag_p99_seconds'), max: gaugeMs('nodejs_eventloop_lag_max_seconds') },
    clientLoopDelayMs: input.clientLoopDelayMs,
    poolWaiting: latencyOf(input.poolWaiting),
  };
}

/** The queue's line order per customer, from the Postgres queue's table (null on a profile whose queue is in Redis). */
async function lineTickets(databaseUrl: string, schema: string, productId: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ customer_id: string; ticket: string | null }>(
      `SELECT customer_id, ticket FROM ${pg.escapeIdentifier(schema)}.queue_entries WHERE drop_id = $1`,
      [productId],
    );
    return new Map(rows.filter((row) => row.ticket !== null).map((row) => [row.customer_id, Number(row.ticket)]));
  } finally {
    await client.end();
  }
}

function figures(input: {
  settings: QueueOptions;
  opensAt: number;
  setupSeconds: number;
  records: readonly ShopperRecord[];
  requests: QueueRequestCounts;
  units: number;
  admin: QueueAdminView | null;
  stock: StockLine | null;
  ordersInDatabase: number;
  tickets: Map<string, number> | null;
  metricsText: string | null;
  clientLoopDelayMs: QueuePhase['streamDiagnostics']['clientLoopDelayMs'];
  poolWaiting: readonly number[];
}): QueuePhase {
  const { records, opensAt, settings, units, stock } = input;
  const joined = records.filter((r) => r.joinAnsweredAt !== null);
  const firstJoin = Math.min(...joined.map((r) => r.joinSentAt!));
  const lastJoin = Math.max(...joined.map((r) => r.joinAnsweredAt!));
  const joinRates = perSecond(
    joined.map((r) => r.joinAnsweredAt!),
    firstJoin,
  );
  const outcomes: Record<string, number> = {};
  for (const r of records) outcomes[r.outcome ?? 'unanswered'] = (outcomes[r.outcome ?? 'unanswered'] ?? 0) + 1;
  const admitted = records.filter((r) => r.admittedUntil !== null);
  const admittedAt = (r: ShopperRecord) => r.admittedUntil! - settings.admitForSeconds * 1000;
  const lastAdmission = admitted.length ? Math.max(...admitted.map(admittedAt)) : null;
  const answeredAt = records.filter((r) => r.outcomeAt !== null).map((r) => r.outcomeAt!);
  const winners = records.filter((r) => r.orderId !== null);
  const accepted = new Set(winners.map((r) => r.orderId)).size;
  const early = (r: ShopperRecord) => r.joinServerTime !== null && r.joinServerTime < opensAt;
  const sentEarly = (r: ShopperRecord) => r.joinSentAt !== null && r.joinSentAt < opensAt;
  const lateJoined = joined.filter((r) => !early(r));
  const earlyJoined = joined.filter(early);
  const joinOrder = (r: ShopperRecord) => r.joinAnsweredAt!;
  const ticketOf = (r: ShopperRecord) => input.tickets?.get(r.spec.customerId);
  const lateTicketed = lateJoined.filter((r) => ticketOf(r) !== undefined);
  const earlyTicketed = earlyJoined.filter((r) => ticketOf(r) !== undefined);
  const lateAdmitted = lateJoined.filter((r) => r.admittedUntil !== null);
  const bots = records.filter((r) => r.spec.bot);
  const humans = records.filter((r) => !r.spec.bot);
  const humanUnits = count(humans, (r) => r.orderId !== null);
  const unanswered = count(records, (r) => r.outcome === null);
  const failed = count(records, (r) => r.outcome === 'failed');

  const oversold = Math.max(0, accepted - units, stock ? stock.sold + stock.held - stock.restockedTotal : 0);
  const closed = input.admin?.state === 'SOLD_OUT';
  const checks: Check[] = [
    { name: 'no oversell', ok: oversold === 0, detail: `accepted ${accepted} of ${units} units` },
    {
      name: 'no undersell',
      ok: !closed || (stock !== null && (stock as StockLine).sold === units),
      detail: closed ? `queue closed sold out with ${(stock as StockLine | null)?.sold ?? '?'} of ${units} sold` : 'not checked: the queue did not close sold out',
    },
    { name: 'every shopper answered', ok: unanswered === 0, detail: `${unanswered} without a final answer` },
    { name: 'no unexpected answer', ok: failed === 0, detail: `${failed} shoppers ended on an unexpected answer` },
    { name: 'every 202 is an order row', ok: input.ordersInDatabase === accepted, detail: `${input.ordersInDatabase} orders in the database` },
  ];
  if (stock) {
    const line: StockLine = stock;
    checks.push(
      { name: 'sold + held == accepted', ok: line.sold + line.held === accepted, detail: `sold ${line.sold} + held ${line.held}` },
      {
        name: 'restocked == available + held + sold',
        ok: line.restockedTotal === line.available + line.held + line.sold && line.restockedTotal === units,
        detail: `restocked ${line.restockedTotal} = ${line.available} + ${line.held} + ${line.sold}`,
      },
    );
  } else checks.push({ name: 'stock snapshot', ok: false, detail: 'the product has no stock line' });

  return {
    settings,
    opensAt: new Date(opensAt).toISOString(),
    setupSeconds: input.setupSeconds,
    joins: {
      answered: joined.length,
      perSecond: joined.length > 0 ? joined.length / Math.max(0.001, (lastJoin - firstJoin) / 1000) : 0,
      peakPerSecond: Math.max(0, ...joinRates),
      latency: latencyOf(joined.map((r) => r.joinLatencyMs!)),
      refusedByAddressCap: count(records, (r) => r.outcome === 'refused'),
      soldOutOnJoin: count(records, (r) => r.outcome === 'sold-out' && r.detail === 'on join'),
    },
    requests: input.requests,
    outcomes,
    admissionsSeen: admitted.length,
    noticeDelay: {
      poll: latencyOf(admitted.filter((r) => r.admittedVia === 'poll').map((r) => Math.max(0, r.admittedSeenAt! - admittedAt(r)))),
      sse: latencyOf(admitted.filter((r) => r.admittedVia === 'sse').map((r) => Math.max(0, r.admittedSeenAt! - admittedAt(r)))),
      sseStreamsOpened: count(records, (r) => r.streamOpened),
      sseShoppers: count(records, (r) => r.spec.sse),
      sseAdmitted: count(records, (r) => r.spec.sse && r.admittedUntil !== null),
    },
    streamDiagnostics: streamDiagnostics(input, admitted, admittedAt),
    lapsedUnseen: count(records, (r) => r.outcome === 'expired' && r.admittedSeenAt === null),
    openingToLastAdmissionMs: lastAdmission === null ? null : lastAdmission - opensAt,
    openingToLastAnswerMs: answeredAt.length ? Math.max(...answeredAt) - opensAt : null,
    accepted,
    unanswered,
    fairness: {
      preOpeningShareOfUnits: winners.length ? count(winners, early) / winners.length : null,
      preOpeningShareOfJoiners: joined.length ? earlyJoined.length / joined.length : null,
      sentBeforeOpeningShareOfUnits: winners.length ? count(winners, sentEarly) / winners.length : null,
      sentBeforeOpeningShareOfJoiners: joined.length ? count(joined, sentEarly) / joined.length : null,
      lateArrivals: lateJoined.length,
      lateJoinVsLineOrder: spearman(lateTicketed.map(joinOrder), lateTicketed.map((r) => ticketOf(r)!)),
      // Below a few dozen pairs a rank correlation says nothing: reported as n/a.
      lateJoinVsAdmissionOrder:
        lateAdmitted.length >= MIN_PAIRS ? spearman(lateAdmitted.map(joinOrder), lateAdmitted.map(admittedAt)) : null,
      lateAdmitted: lateAdmitted.length,
      earlyJoinVsLineOrder: settings.mode === 'raffle-then-fifo' ? spearman(earlyTicketed.map(joinOrder), earlyTicketed.map((r) => ticketOf(r)!)) : null,
      bot: {
        accounts: bots.length,
        entries: count(bots, (r) => r.joinAnsweredAt !== null),
        refused: count(bots, (r) => r.outcome === 'refused'),
        admitted: count(bots, (r) => r.admittedUntil !== null),
        units: count(bots, (r) => r.orderId !== null),
      },
      human: { shoppers: humans.length, units: humanUnits, unitsPerShopper: humans.length ? humanUnits / humans.length : 0 },
    },
    admin: input.admin,
    stock,
    checks,
    ok: checks.every((check) => check.ok),
  };
}
