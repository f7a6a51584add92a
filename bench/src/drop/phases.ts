import { ApiClient } from './api-client.js';
import { type ProfileSummary, summariseProfiles } from './cpu-profile.js';
import { type DbWrites, dbWrites, readDbCounters, STATS_SETTLE_MS } from './db-stats.js';
import { fire, type LoadResult } from './load.js';
import { type LoadItem, shopperIp } from './load-types.js';
import type { DropOptions } from './options.js';
import { statusWriteTimes } from './order-times.js';
import { meterResources, type Resources } from './resources.js';
import { cleanUp, freePort, serverSetup } from './server-env.js';
import { ensureBuilt } from './server-build.js';
import { launchServer, type LaunchedServer } from './server-process.js';
import { enableStatements, readStatements, resetStatements, type StatementStats } from './statements.js';
import { registerShoppers, seedShoppers, type Shopper } from './shoppers.js';
import { type LoadSummary, summarise } from './stats.js';
import { verifyDrop, type Verification } from './verify.js';

export interface RunContext {
  readonly options: DropOptions;
  readonly tag: string;
  /** Scratch folder of this run (embedded data); removed afterwards unless kept. */
  readonly runDir: string;
  readonly logFile: string;
  /** Set with --cpu-prof. */
  readonly profileDir: string | null;
  readonly repoRoot: string;
  readonly logLevel: string;
  readonly log: (line: string) => void;
}

export interface DropPhase {
  /** /readyz checks: which adapters the server runs (the proof of the profile). */
  readonly components: readonly { name: string; ok: boolean; detail?: string }[];
  readonly setupSeconds: number;
  readonly load: LoadSummary;
  readonly resources: Resources;
  readonly verification: Verification;
  readonly profile: ProfileSummary | null;
  /** Database writes during the firing window (not in --quick: reading them costs two settle waits). */
  readonly dbWrites: DbWrites | null;
  /** `--statements`: pg_stat_statements from the firing's start until every accepted order was PAYMENT_PENDING. */
  readonly statements: StatementStats | null;
  /** What was fired, for the ceiling to fire the same requests. */
  readonly items: readonly LoadItem[];
  readonly body: string;
}

export interface CeilingPhase {
  readonly load: LoadSummary;
  readonly resources: Resources;
}

const ORDER_PATH = '/api/orders';

/** Shoppers of the warm-up: each sends at most 50 orders, below the per-customer limit of 60 per minute. */
const warmupShopperCount = (requests: number) => Math.max(1, Math.ceil(requests / 50));

const warmupItems = (shoppers: readonly Shopper[], requests: number, tag: string): LoadItem[] =>
  Array.from({ length: requests }, (_, index) => ({
    token: shoppers[index % shoppers.length]!.token,
    key: `warm-${tag}-${index}`,
    ip: shopperIp(1_000_000 + (index % shoppers.length)),
  }));

/** Starts the reference server, sets up the drop, warms up, fires, verifies, stops. */
export async function runDropPhase(context: RunContext): Promise<DropPhase> {
  const { options, tag, log } = context;
  const setup = await serverSetup(options.profile, { tag, runDir: context.runDir, logLevel: context.logLevel, statements: options.statements });
  const layout = `${options.processes} process${options.processes > 1 ? 'es' : ''}${sagaWorkersLabel(options.sagaWorkers)}`;
  if (options.server === 'dist') await ensureBuilt(context.repoRoot, context.logFile, log);
  log(`starting the reference server (${options.profile}, ${layout}, ${options.server === 'dist' ? 'compiled packages' : 'TypeScript sources'}; log: ${context.logFile})`);
  const server = await launchServer({
    mode: 'app',
    code: options.server,
    processes: options.processes,
    sagaWorkers: options.sagaWorkers,
    env: setup.env,
    logFile: context.logFile,
    ...(context.profileDir ? { cpuProfDir: context.profileDir } : {}),
  });
  const api = new ApiClient(server.url);
  try {
    const admin = await api.call<{ accessToken: string }>('POST', '/api/auth/login', {
      body: { email: setup.adminEmail, password: setup.adminPassword },
    });
    const token = admin.body.accessToken;
    if (options.statements) await enableStatements(setup.databaseUrl);
    // Readiness detail (which adapters run) is shown to staff only.
    const ready = await api.call<{ checks: { name: string; ok: boolean; detail?: string }[] }>('GET', '/readyz', { token });
    const productId = await createDrop(api, token, `Drop ${tag}`, options.units, tag);
    const warmProductId = await createDrop(api, token, `Warm-up ${tag}`, 1, `warm-${tag}`);

    const setupStarted = performance.now();
    const shopperCount = options.shoppers + warmupShopperCount(options.warmupRequests);
    log(`${options.setup === 'seed' ? 'seeding' : 'registering'} ${shopperCount} shoppers (setup, not measured)`);
    const everyone =
      options.setup === 'seed'
        ? await seedShoppers({
            databaseUrl: setup.databaseUrl,
            schema: setup.schema,
            count: shopperCount,
            tag,
            jwtKey: setup.jwtKey,
            jwtIssuer: setup.jwtIssuer,
          })
        : await registerShoppers(api, shopperCount, tag);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    log(`shoppers ready in ${setupSeconds.toFixed(1)} s`);
    const shoppers = everyone.slice(0, options.shoppers);
    const warmShoppers = everyone.slice(options.shoppers);

    const common = { origin: server.url, path: ORDER_PATH, connections: options.connections, threads: options.loadThreads };
    if (options.warmupRequests > 0) {
      await fire({
        ...common,
        label: 'warm-up',
        body: JSON.stringify({ productId: warmProductId, quantity: 1 }),
        items: warmupItems(warmShoppers, options.warmupRequests, tag),
        durationSeconds: 30,
        collectOrderIds: false,
        showProgress: false,
      });
    }

    const schemas = [setup.schema, `${setup.schema}_saga`];
    const settle = () => new Promise((resolve) => setTimeout(resolve, STATS_SETTLE_MS));
    const countersBefore = options.quick ? null : await settle().then(() => readDbCounters(setup.databaseUrl, schemas));
    if (options.statements) await resetStatements(setup.databaseUrl);
    const body = JSON.stringify({ productId, quantity: 1 });
    const items = shoppers.map((shopper, index) => ({ token: shopper.token, key: `drop-${tag}-${index}`, ip: shopperIp(index) }));
    const { result, resources, profile } = await measured(server, context, (hooks) =>
      fire({ ...common, ...hooks, label: 'drop', body, items, durationSeconds: options.durationSeconds, collectOrderIds: true, showProgress: true }),
    );
    const load = summarise(result);
    log('waiting for the sagas: every accepted order to PAYMENT_PENDING');
    const verification = await verifyDrop({
      api,
      adminToken: token,
      productId,
      units: options.units,
      shoppers: options.shoppers,
      accepted: load.distinctOrderIds,
      everyShopperAnswered: load.unanswered === 0,
      lastAcceptAt: load.lastAcceptAt,
      drainTimeoutMs: options.drainTimeoutSeconds * 1000,
      firing: { startedAt: result.startedAt, endedAt: result.endedAt },
      paymentPendingWrites: () => statusWriteTimes(setup.databaseUrl, setup.schema, productId, 'PAYMENT_PENDING'),
    });
    // Read before the settle wait: the statements of the firing and the drain, not the bench's later reads.
    const statements = options.statements ? await readStatements(setup.databaseUrl, setup.schema) : null;
    let writes: DbWrites | null = null;
    if (countersBefore !== null) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, result.endedAt + STATS_SETTLE_MS - Date.now())));
      writes = dbWrites(countersBefore, await readDbCounters(setup.databaseUrl, schemas), load.attempts);
    }
    return { components: ready.body.checks, setupSeconds, load, resources, verification, profile, dbWrites: writes, statements, items, body };
  } finally {
    await api.close();
    await server.stop();
    if (!options.keep) await cleanUp(setup, context.runDir).catch((error: unknown) => log(`clean-up failed: ${String(error)}`));
  }
}

/** The same requests against one bare Hono route, with the same process count, flags and load generator. */
export async function runCeilingPhase(context: RunContext, drop: Pick<DropPhase, 'items' | 'body'>): Promise<CeilingPhase> {
  const { options, log } = context;
  log(`starting the bare-Hono ceiling (${options.processes} process${options.processes > 1 ? 'es' : ''})`);
  const port = await freePort();
  const server = await launchServer({
    mode: 'ceiling',
    code: options.server,
    processes: options.processes,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    logFile: context.logFile,
  });
  try {
    const common = { origin: server.url, path: ORDER_PATH, connections: options.connections, threads: options.loadThreads, body: drop.body };
    if (options.warmupRequests > 0) {
      const items = drop.items.slice(0, options.warmupRequests).map((item) => ({ ...item, key: `warm-${item.key}` }));
      await fire({ ...common, label: 'warm-up', items, durationSeconds: 30, collectOrderIds: false, showProgress: false });
    }
    const { result, resources } = await measured(server, { ...context, profileDir: null }, (hooks) =>
      fire({ ...common, ...hooks, label: 'ceiling', items: drop.items, durationSeconds: options.durationSeconds, collectOrderIds: false, showProgress: true }),
    );
    return { load: summarise(result), resources };
  } finally {
    await server.stop();
  }
}

/** Runs one firing with resource metering, and with the CPU profiler around it when asked. */
async function measured(
  server: LaunchedServer,
  context: Pick<RunContext, 'profileDir' | 'repoRoot'>,
  run: (hooks: { onStart: () => void; onTick: () => void }) => Promise<LoadResult>,
): Promise<{ result: LoadResult; resources: Resources; profile: ProfileSummary | null }> {
  if (context.profileDir) await server.profile('profile-start');
  let meter: ReturnType<typeof meterResources> | null = null;
  const result = await run({ onStart: () => (meter = meterResources(server.pids)), onTick: () => meter?.tick() });
  const resources = (meter ?? meterResources(server.pids)).finish(result.samples.count);
  let profile: ProfileSummary | null = null;
  if (context.profileDir) {
    await server.profile('profile-stop');
    profile = summariseProfiles(context.profileDir, context.repoRoot);
  }
  return { result, resources, profile };
}

export async function createDrop(api: ApiClient, token: string, name: string, units: number, key: string): Promise<string> {
  const created = await api.call<{ product: { id: string } }>('POST', '/api/products', {
    token,
    body: { name, description: 'A limited drop (benchmark)', price: { amount: 12_900, currency: 'USD' }, maxQuantityPerCustomer: 1, active: true },
    expect: [200, 201],
  });
  const productId = created.body.product.id;
  await api.call('POST', '/api/inventory/restock', {
    token,
    body: { productId, quantity: units },
    headers: { 'idempotency-key': `restock-${key}` },
  });
  return productId;
}

/** ' + N saga worker process(es)', or nothing when the first server process runs the sagas. */
export const sagaWorkersLabel = (workers: number): string =>
  workers === 0 ? '' : ` + ${workers} saga worker process${workers > 1 ? 'es' : ''}`;
