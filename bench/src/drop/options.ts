import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export const PROFILES = ['embedded', 'redis', 'distributed'] as const;
export type DropProfile = (typeof PROFILES)[number];

/** How shoppers get their accounts and tokens before the clock starts. */
export const SETUPS = ['seed', 'http'] as const;
export type ShopperSetup = (typeof SETUPS)[number];

/**
 * What the server processes run: the compiled packages (`dist/`, what the container image runs with
 * `node dist/cli.js`), or the TypeScript sources through tsx (what `pnpm start` runs).
 */
export const SERVER_CODE = ['dist', 'source'] as const;
export type ServerCode = (typeof SERVER_CODE)[number];

export interface DropOptions {
  readonly profile: DropProfile;
  /** Units restocked on the drop product. */
  readonly units: number;
  /** Shoppers, each trying once until answered. */
  readonly shoppers: number;
  /** Keep-alive connections of the load generator (split over its threads). */
  readonly connections: number;
  /** Upper bound of the firing phase in seconds; it ends earlier once every shopper is answered. */
  readonly durationSeconds: number;
  /** Server processes (node:cluster workers sharing one port). */
  readonly processes: number;
  /** Compiled packages (built first when a source is newer than its build) or TypeScript sources. */
  readonly server: ServerCode;
  /** Processes of their own running the saga worker and relay (0: the first server process does); the server processes then only serve the API. */
  readonly sagaWorkers: number;
  /** Worker threads of the load generator. */
  readonly loadThreads: number;
  /** Requests sent to a sold-out warm-up product (and to the ceiling) before the measured phase. */
  readonly warmupRequests: number;
  readonly setup: ShopperSetup;
  /** Run the server processes under `node --cpu-prof` and summarise the profiles. */
  readonly cpuProf: boolean;
  /** Load pg_stat_statements on the embedded Postgres and print the firing's statements per accepted order. */
  readonly statements: boolean;
  readonly skipCeiling: boolean;
  /** Seconds to wait for every accepted order to reach PAYMENT_PENDING. */
  readonly drainTimeoutSeconds: number;
  readonly quick: boolean;
  /** Keep the run's schema / data dir / Redis keys afterwards (default: removed). */
  readonly keep: boolean;
  readonly resultsDir: string;
  /** A queued drop instead of the stampede: shoppers join a waiting room and buy when admitted (null: no queue). */
  readonly queue: QueueOptions | null;
}

/** `--queue`: the waiting room of the drop. */
export interface QueueOptions {
  /** Seconds before the opening over which the shoppers join (evenly spread). */
  readonly joinWindowSeconds: number;
  /** Share of the shoppers who join after the opening instead, over `lateWindowSeconds`. */
  readonly lateShare: number;
  readonly lateWindowSeconds: number;
  /** Share of the admitted shoppers who never order (their turn lapses). */
  readonly abandonShare: number;
  /** Accounts of the bot, all from one address. */
  readonly botAccounts: number;
  /** Entries per client address (0: no cap). */
  readonly addressCap: number;
  readonly mode: 'raffle-then-fifo' | 'fifo';
  /** How long an admitted shopper may take to order. */
  readonly admitForSeconds: number;
  readonly abandonmentMargin: number;
  /** The admitter's period on the server (QUEUE_ADMIT_INTERVAL_MS). */
  readonly admitIntervalMs: number;
  /** Upper bound from the opening until every shopper must have an answer. */
  readonly timeoutSeconds: number;
  /** Shoppers (a sample) who also listen on the notification stream for their admission. */
  readonly sseShoppers: number;
}

export const USAGE = `pnpm bench:drop [options]

  --profile embedded|redis|distributed   server profile (default embedded)
  --units N            units of the drop (default 1000)
  --shoppers N         shoppers, one order each, retried until answered (default 20000)
  --connections N      load-generator connections (default 512)
  --duration S         upper bound of the firing phase in seconds (default 10)
  --processes N|cores  server processes behind one port (default 1; "cores" = one per core)
  --server dist|source what the server runs: the compiled packages, as the container image does (default;
                       built first with pnpm build when a source is newer than its build), or the
                       TypeScript sources through tsx, as pnpm start does
  --saga-worker        one more process runs the saga worker and the relay (roles worker,relay, as in
                       deploy/k8s); the server processes then only serve the API
  --saga-workers N     N such processes (replicas of the worker Deployment); --saga-worker = 1
  --load-threads N     load-generator worker threads (default: one per core, at most 4)
  --warmup N           warm-up requests against a sold-out product / the ceiling (default 2000)
  --setup seed|http    shopper accounts: seeded through the customer store + tokens issued with the
                       server's key (default), or registered and logged in over HTTP
  --cpu-prof           run the server under node --cpu-prof and print the top self-time functions
  --statements         load pg_stat_statements and print the firing's statements and commits per accepted
                       order (embedded: on the run's own Postgres; other profiles: DATABASE_URL must
                       preload it)
  --no-ceiling         skip the bare-Hono ceiling run
  --drain-timeout S    wait this long for accepted orders to reach PAYMENT_PENDING (default 60)
  --keep               keep the run's schema / data dir / Redis keys
  --results DIR        where JSON, SVG and profiles go (default bench/results)
  --quick              CI mode: 100 units, 400 shoppers, 64 connections, 200 warm-up requests, 1 process;
                       exits non-zero on any oversell, undersell, error or invariant failure

  --queue              a queued drop: shoppers join the waiting room during the minute before the opening,
                       poll their ticket at the server's nextPollSeconds, buy and pay when admitted
                       (--quick --queue: 2,000 shoppers over 5 s, 100 units)
  --join-window S      seconds before the opening over which shoppers join (default 60; quick 5)
  --late-share X       share of shoppers joining after the opening instead (default 0.05)
  --late-window S      seconds after the opening over which they join (default 10; quick 2)
  --abandon X          share of admitted shoppers who never order (default 0.1)
  --bot-accounts N     accounts of the bot, all from one address (default 10)
  --address-cap N      entries per client address, 0 = no cap (default 3)
  --queue-mode M       raffle-then-fifo (default) or fifo
  --admit-for S        seconds an admitted shopper may take to order (default 60; quick 15)
  --margin X           abandonment margin, share of the units left (default 0.1)
  --admit-interval MS  the admitter's period on the server (default 250)
  --queue-timeout S    seconds after the opening by which every shopper must be answered (default 300; quick 120)
  --sse N              shoppers who also listen on the notification stream for their turn (default 1000; quick 200)
`;

/** Thrown for a bad command line; main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const positiveInt = (name: string, value: string | undefined, fallback: number, { allowZero = false } = {}): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < (allowZero ? 0 : 1)) {
    throw new UsageError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`);
  }
  return number;
};

const oneOf = <T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T => {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
};

export function parseDropOptions(argv: readonly string[], defaultResultsDir: string): DropOptions {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: 'string' },
        units: { type: 'string' },
        shoppers: { type: 'string' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        processes: { type: 'string' },
        server: { type: 'string' },
        'saga-worker': { type: 'boolean' },
        'saga-workers': { type: 'string' },
        'load-threads': { type: 'string' },
        warmup: { type: 'string' },
        setup: { type: 'string' },
        'cpu-prof': { type: 'boolean' },
        statements: { type: 'boolean' },
        'no-ceiling': { type: 'boolean' },
        'drain-timeout': { type: 'string' },
        keep: { type: 'boolean' },
        results: { type: 'string' },
        quick: { type: 'boolean' },
        help: { type: 'boolean' },
        queue: { type: 'boolean' },
        'join-window': { type: 'string' },
        'late-share': { type: 'string' },
        'late-window': { type: 'string' },
        abandon: { type: 'string' },
        'bot-accounts': { type: 'string' },
        'address-cap': { type: 'string' },
        'queue-mode': { type: 'string' },
        'admit-for': { type: 'string' },
        margin: { type: 'string' },
        'admit-interval': { type: 'string' },
        'queue-timeout': { type: 'string' },
        sse: { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) throw new UsageError('');
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const quick = values.quick === true;
  const cores = availableParallelism();
  const processesFlag = str('processes');
  const processes = processesFlag === 'cores' ? cores : positiveInt('processes', processesFlag, 1);
  const queued = values.queue === true;
  return {
    profile: oneOf('profile', str('profile'), PROFILES, 'embedded'),
    units: positiveInt('units', str('units'), quick ? 100 : 1000),
    shoppers: positiveInt('shoppers', str('shoppers'), quick ? (queued ? 2_000 : 400) : 20_000),
    connections: positiveInt('connections', str('connections'), quick ? 64 : 512),
    durationSeconds: positiveInt('duration', str('duration'), quick ? 20 : 10),
    processes,
    server: oneOf('server', str('server'), SERVER_CODE, 'dist'),
    sagaWorkers: positiveInt('saga-workers', str('saga-workers'), values['saga-worker'] === true ? 1 : 0, { allowZero: true }),
    loadThreads: positiveInt('load-threads', str('load-threads'), Math.min(4, cores)),
    warmupRequests: positiveInt('warmup', str('warmup'), quick ? 200 : 2000, { allowZero: true }),
    setup: oneOf('setup', str('setup'), SETUPS, 'seed'),
    cpuProf: values['cpu-prof'] === true,
    statements: values.statements === true,
    skipCeiling: values['no-ceiling'] === true,
    drainTimeoutSeconds: positiveInt('drain-timeout', str('drain-timeout'), 60),
    quick,
    keep: values.keep === true,
    resultsDir: str('results') ?? defaultResultsDir,
    queue: queued
      ? {
          joinWindowSeconds: positiveInt('join-window', str('join-window'), quick ? 5 : 60),
          lateShare: share('late-share', str('late-share'), 0.05),
          lateWindowSeconds: positiveInt('late-window', str('late-window'), quick ? 2 : 10),
          abandonShare: share('abandon', str('abandon'), 0.1),
          botAccounts: positiveInt('bot-accounts', str('bot-accounts'), 10, { allowZero: true }),
          addressCap: positiveInt('address-cap', str('address-cap'), 3, { allowZero: true }),
          mode: oneOf('queue-mode', str('queue-mode'), ['raffle-then-fifo', 'fifo'] as const, 'raffle-then-fifo'),
          admitForSeconds: positiveInt('admit-for', str('admit-for'), quick ? 15 : 60),
          abandonmentMargin: share('margin', str('margin'), 0.1),
          admitIntervalMs: positiveInt('admit-interval', str('admit-interval'), 250),
          timeoutSeconds: positiveInt('queue-timeout', str('queue-timeout'), quick ? 120 : 300),
          sseShoppers: positiveInt('sse', str('sse'), quick ? 200 : 1000, { allowZero: true }),
        }
      : null,
  };
}

/** A number from 0 to 1. */
const share = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new UsageError(`--${name} must be a number from 0 to 1, got "${value}"`);
  return number;
};
