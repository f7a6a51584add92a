import type { DropOptions } from './options.js';
import { type CeilingPhase, type DropPhase, sagaWorkersLabel } from './phases.js';
import type { Latency } from './stats.js';
import { SAGA_BUCKET_MS } from './verify.js';

export interface Ratios {
  /** Drop attempts/s ÷ ceiling requests/s. */
  readonly throughput: number;
  /** Drop latency ÷ ceiling latency, all answers. */
  readonly p50: number;
  readonly p99: number;
  /** Server CPU per attempt ÷ the ceiling's CPU per request. */
  readonly cpuPerAttempt: number;
  readonly peakRss: number;
}

export function ratiosOf(drop: DropPhase, ceiling: CeilingPhase | null): Ratios | null {
  if (ceiling === null) return null;
  const safe = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    throughput: safe(drop.load.attemptsPerSecond, ceiling.load.attemptsPerSecond),
    p50: safe(drop.load.latency.all.p50, ceiling.load.latency.all.p50),
    p99: safe(drop.load.latency.all.p99, ceiling.load.latency.all.p99),
    cpuPerAttempt: safe(drop.resources.serverCpuMicrosPerAttempt, ceiling.resources.serverCpuMicrosPerAttempt),
    peakRss: safe(drop.resources.serverPeakRssMb, ceiling.resources.serverPeakRssMb),
  };
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
const times = (value: number) => `${value.toFixed(2)}×`;
const latencyCells = (latency: Latency) => `${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)} / ${ms(latency.max)}`;

/** The console report: one table with the ceiling and the ratios, then the correctness checks. */
export function formatReport(options: DropOptions, drop: DropPhase, ceiling: CeilingPhase | null, ratios: Ratios | null): string {
  const rows: [string, string, string, string][] = [];
  const row = (label: string, dropValue: string, ceilingValue = '', ratio = '') => rows.push([label, dropValue, ceilingValue, ratio]);
  const c = ceiling?.load;
  const cr = ceiling?.resources;
  row('attempts/s', int(drop.load.attemptsPerSecond), c ? int(c.attemptsPerSecond) : '', ratios ? pct(ratios.throughput) : '');
  row('attempts / answered shoppers', `${int(drop.load.attempts)} / ${int(drop.load.answered)}`, c ? `${int(c.attempts)} / ${int(c.answered)}` : '');
  row('firing time (s)', drop.load.seconds.toFixed(2), c ? c.seconds.toFixed(2) : '');
  row('accepted (202)', `${int(drop.load.accepted)} (${int(drop.load.acceptedPerSecond)}/s)`, c ? int(c.accepted) : '');
  row('rejected (409)', int(drop.load.rejected));
  row('errors (retried or failed)', int(drop.load.errors), c ? int(c.errors) : '');
  row('latency accepted p50/p95/p99/max ms', latencyCells(drop.load.latency.accepted));
  row('latency rejected p50/p95/p99/max ms', latencyCells(drop.load.latency.rejected));
  row(
    'latency all p50/p95/p99/max ms',
    latencyCells(drop.load.latency.all),
    c ? latencyCells(c.latency.all) : '',
    ratios ? `p50 ${times(ratios.p50)}, p99 ${times(ratios.p99)}` : '',
  );
  row('server CPU (cores busy)', drop.resources.serverCores.toFixed(2), cr ? cr.serverCores.toFixed(2) : '');
  row(
    'server CPU per attempt (µs)',
    int(drop.resources.serverCpuMicrosPerAttempt),
    cr ? int(cr.serverCpuMicrosPerAttempt) : '',
    ratios ? times(ratios.cpuPerAttempt) : '',
  );
  row('server peak RSS (MB)', int(drop.resources.serverPeakRssMb), cr ? int(cr.serverPeakRssMb) : '', ratios ? times(ratios.peakRss) : '');
  row('services CPU (s: postgres, redis, ...)', drop.resources.servicesCpuSeconds.toFixed(2), cr ? cr.servicesCpuSeconds.toFixed(2) : '');
  row('machine busy cores (load gen incl.)', drop.resources.machineBusyCores.toFixed(2), cr ? cr.machineBusyCores.toFixed(2) : '');

  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((cells) => cells[column]!.length), ['', 'drop', 'ceiling', 'ratio'][column]!.length));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const status = Object.entries(drop.load.statusCounts)
    .map(([code, count]) => `${code}: ${int(count)}`)
    .join(', ');
  const conflicts = Object.entries(drop.load.conflictCodes)
    .map(([code, count]) => `${code}: ${int(count)}`)
    .join(', ');
  const v = drop.verification;
  return [
    '',
    `LimitedCart drop — profile ${options.profile}, ${options.processes} server process(es)${sagaWorkersLabel(options.sagaWorkers)} running ${options.server === 'dist' ? 'the compiled packages' : 'the TypeScript sources'}, ` +
      `${int(options.units)} units, ` +
      `${int(options.shoppers)} shoppers, ${options.connections} connections, ${options.loadThreads} load threads`,
    `server components: ${drop.components.map((check) => `${check.name}${check.ok ? '' : ' (DOWN)'}`).join(', ')}`,
    `setup (not measured): ${int(options.shoppers)} shoppers via ${options.setup} in ${drop.setupSeconds.toFixed(1)} s`,
    '',
    line(['', 'drop', 'ceiling', 'ratio']),
    ...rows.map(line),
    '',
    `responses by status: ${status}${conflicts ? `; 409 codes: ${conflicts}` : ''}`,
    `unanswered shoppers: ${int(drop.load.unanswered)}`,
    `stock: ${v.stock ? `restocked ${v.stock.restockedTotal}, available ${v.stock.available}, held ${v.stock.held}, sold ${v.stock.sold}` : 'n/a'}`,
    `oversold ${v.oversold}, undersold ${v.undersold ?? 'n/a'}; orders in the database ${v.ordersInDatabase}; ` +
      `all PAYMENT_PENDING ${
        v.drainMs === null
          ? 'NOT within the timeout'
          : `${v.drainMs} ms after the last accept${v.drainSeenMs !== v.drainMs ? ` (seen by polling after the firing: ${v.drainSeenMs} ms)` : ''}`
      }`,
    ...(v.paymentPendingOverTime && v.paymentPendingAtFiringEnd !== null
      ? [
          `sagas: ${int(v.paymentPendingAtFiringEnd)} of ${int(drop.load.distinctOrderIds)} accepted orders PAYMENT_PENDING when the firing ended; ` +
            `written PAYMENT_PENDING per ${SAGA_BUCKET_MS / 1000} s from the firing's start: ${v.paymentPendingOverTime.join(' ')}`,
        ]
      : []),
    ...v.checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name} — ${check.detail}`),
    '',
  ].join('\n');
}

export function formatDbWrites(drop: DropPhase): string {
  const writes = drop.dbWrites;
  if (writes === null) return '';
  return [
    `database during the firing (and the sagas it started): ${int(writes.commits)} commits, ${writes.commitsPerAttempt.toFixed(2)} per attempt` +
      (drop.load.distinctOrderIds > 0 ? `, ${(writes.commits / drop.load.distinctOrderIds).toFixed(2)} per accepted order` : ''),
    ...writes.tables.map(
      (table) =>
        `  ${table.rowsPerAttempt.toFixed(2).padStart(6)} rows/attempt  ${table.table} (+${int(table.inserted)} ~${int(table.updated)} -${int(table.deleted)})`,
    ),
    '',
  ].join('\n');
}

/** `--statements`: the firing's statements per accepted order, busiest first. */
export function formatStatements(drop: DropPhase, top = 30): string {
  const stats = drop.statements;
  if (stats === null) return '';
  const accepted = Math.max(1, drop.load.distinctOrderIds);
  const per = (value: number) => (value / accepted).toFixed(3);
  const oneLine = (query: string) => query.replace(/\s+/g, ' ').trim().slice(0, 100);
  return [
    `statements from the firing's start to the last PAYMENT_PENDING (pg_stat_statements), per accepted order (${int(accepted)}):`,
    `  calls per path: order ${per(stats.callsByPath.order)}, saga ${per(stats.callsByPath.saga)}, ` +
      `transaction control ${per(stats.callsByPath.transaction)}, other ${per(stats.callsByPath.other)}; ` +
      `BEGIN ${per(stats.begins)}, COMMIT ${per(stats.commits)}, ROLLBACK ${per(stats.rollbacks)}`,
    '   calls/ord   rows/ord   total ms  path         query',
    ...stats.statements
      .slice(0, top)
      .map(
        (s) =>
          `  ${per(s.calls).padStart(9)} ${per(s.rows).padStart(10)} ${s.totalMs.toFixed(0).padStart(10)}  ${s.path.padEnd(11)}  ${oneLine(s.query)}`,
      ),
    '',
  ].join('\n');
}

export function formatProfile(drop: DropPhase): string {
  const profile = drop.profile;
  if (profile === null) return '';
  return [
    `CPU profile of the firing window (${profile.files.length} server process(es), ${int(profile.busyMs)} ms busy):`,
    'top areas by self time:',
    ...profile.areas.slice(0, 12).map((area) => `  ${pct(area.share).padStart(7)}  ${area.area}`),
    'self time charged to the nearest package / source folder up the stack (native work included):',
    ...profile.callers.slice(0, 12).map((area) => `  ${pct(area.share).padStart(7)}  ${area.area}`),
    'top functions by self time:',
    ...profile.functions.slice(0, 25).map((fn) => `  ${pct(fn.share).padStart(7)}  ${fn.name}  [${fn.area}]`),
    '',
  ].join('\n');
}
