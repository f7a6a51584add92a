import type { DropOptions } from './options.js';
import type { QueuePhase } from './queue-phase.js';

const n = (value: number) => value.toLocaleString('en-US');
const ms = (value: number | null) => (value === null ? 'n/a' : `${(value / 1000).toFixed(1)} s`);
/** A duration in ms or s as fits; a histogram bound past the last bucket reads "over 60 s". */
const dur = (value: number | null) =>
  value === null ? 'n/a' : !Number.isFinite(value) ? 'over 60 s' : value < 1000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(1)} s`;
const pct = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
const rho = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));

/** The queued drop's figures as text. */
export function formatQueueReport(options: DropOptions, phase: QueuePhase): string {
  const s = phase.settings;
  const f = phase.fairness;
  const d = phase.streamDiagnostics;
  const lines = [
    '',
    `Queued drop — ${options.profile}, ${options.processes} process(es), ${n(options.units)} units, ${n(options.shoppers)} shoppers + a bot with ${s.botAccounts} accounts`,
    `  mode ${s.mode}; joins over the ${s.joinWindowSeconds} s before the opening (${pct(s.lateShare)} in the ${s.lateWindowSeconds} s after); ` +
      `${pct(s.abandonShare)} of the admitted never order; turn ${s.admitForSeconds} s; margin ${pct(s.abandonmentMargin)}; ` +
      `address cap ${s.addressCap || 'none'}; admitter every ${s.admitIntervalMs} ms`,
    '',
    'Joins',
    `  answered ${n(phase.joins.answered)}: ${phase.joins.perSecond.toFixed(0)}/s over the window, peak ${n(phase.joins.peakPerSecond)} in one second`,
    `  latency ms: p50 ${phase.joins.latency.p50.toFixed(1)}  p95 ${phase.joins.latency.p95.toFixed(1)}  p99 ${phase.joins.latency.p99.toFixed(1)}  max ${phase.joins.latency.max.toFixed(1)}`,
    `  refused by the address cap ${n(phase.joins.refusedByAddressCap)}; sold out on join ${n(phase.joins.soldOutOnJoin)}`,
    '',
    'Admission and orders',
    `  admissions seen ${n(phase.admissionsSeen)}; opening → last admission ${ms(phase.openingToLastAdmissionMs)}; opening → last answer ${ms(phase.openingToLastAnswerMs)}`,
    `  admission → shopper knows: by polling p50 ${(phase.noticeDelay.poll.p50 / 1000).toFixed(1)} s, p95 ${(phase.noticeDelay.poll.p95 / 1000).toFixed(1)} s (${n(phase.noticeDelay.poll.count)}); ` +
      `by the stream p50 ${phase.noticeDelay.sse.p50.toFixed(0)} ms, p95 ${phase.noticeDelay.sse.p95.toFixed(0)} ms (${n(phase.noticeDelay.sse.count)} of the sample's ${n(phase.noticeDelay.sseAdmitted)} admissions; ${phase.noticeDelay.sseStreamsOpened} of ${phase.noticeDelay.sseShoppers} streams opened)`,
    `  the stream on its own (admission → its queue.admitted at the client): p50 ${dur(d.streamOwn.p50)}, p95 ${dur(d.streamOwn.p95)}, max ${dur(d.streamOwn.max)} (${n(d.streamOwn.count)}; never within a minute ${n(d.streamNeverDelivered)})`,
    `    server bus → queues subscription: ${d.serverQueueDelivery ? `p50 ≤ ${dur(d.serverQueueDelivery.p50)}, p95 ≤ ${dur(d.serverQueueDelivery.p95)}, p99 ≤ ${dur(d.serverQueueDelivery.p99)} (${n(d.serverQueueDelivery.count)} rounds)` : 'n/a'}; ` +
      `server event-loop lag p99 ${dur(d.serverLoopLagMs.p99)}, max ${dur(d.serverLoopLagMs.max)}; this load generator's event-loop delay p99 ${dur(d.clientLoopDelayMs.p99)}, max ${dur(d.clientLoopDelayMs.max)}`,
    `    queries waiting for a connection of the server's Postgres pool (every 5 s): ${d.poolWaiting.count ? `median ${n(d.poolWaiting.p50)}, max ${n(d.poolWaiting.max)} (${n(d.poolWaiting.count)} samples)` : 'n/a'}`,
    `  turns that lapsed before the shopper looked again: ${n(phase.lapsedUnseen)}`,
    `  POST /api/orders attempts ${n(phase.requests.orders)} for ${n(options.units)} units (accepted ${n(phase.accepted)}); ` +
      `ticket polls ${n(phase.requests.polls)}; join requests ${n(phase.requests.joins)}; payment calls ${n(phase.requests.payments)}; retried ${n(phase.requests.retried)}`,
    `  outcomes: ${Object.entries(phase.outcomes)
      .map(([outcome, count]) => `${outcome} ${n(count)}`)
      .join(', ')}`,
    ...(Object.keys(phase.requests.unexpected).length
      ? [`  unexpected answers: ${Object.entries(phase.requests.unexpected).map(([what, count]) => `${what} ×${count}`).join(', ')}`]
      : []),
    '',
    'Fairness',
    `  units won by shoppers who joined before the opening: ${pct(f.preOpeningShareOfUnits)} (they were ${pct(f.preOpeningShareOfJoiners)} of the joiners, by the server's clock at the join)`,
    `  by when the join was sent: ${pct(f.sentBeforeOpeningShareOfUnits)} of the units to the ${pct(f.sentBeforeOpeningShareOfJoiners)} who sent it before the opening`,
    `  late arrivals (${n(f.lateArrivals)}): Spearman join order vs place in line ${rho(f.lateJoinVsLineOrder)}; vs admission order ${rho(f.lateJoinVsAdmissionOrder)} (${n(f.lateAdmitted)} admitted; n/a under 30)`,
    ...(f.earlyJoinVsLineOrder === null ? [] : [`  raffle: Spearman join order vs drawn place for the early joiners ${rho(f.earlyJoinVsLineOrder)} (≈ 0: arriving early gave no edge)`]),
    `  the bot: ${f.bot.accounts} accounts → ${f.bot.entries} entries (${f.bot.refused} refused by the cap), ${f.bot.admitted} admitted, ${f.bot.units} units; ` +
      `a human: ${f.human.unitsPerShopper.toFixed(4)} units on average (${n(f.human.units)} units for ${n(f.human.shoppers)} humans)`,
    ...(phase.admin
      ? [
          `  admin view: ${phase.admin.state}, waiting ${phase.admin.waiting}, admitted ${phase.admin.admitted}, used ${phase.admin.used}, abandoned ${phase.admin.abandoned}, turned away ${phase.admin.turnedAway}; ` +
            `suspicious: ${phase.admin.suspiciousAddresses.map((a) => `${a.address} (${a.entries})`).join(', ') || 'none'}`,
        ]
      : []),
    '',
    'Checks',
    ...phase.checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
