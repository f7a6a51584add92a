import type { StockSnapshot } from '@limitedcart/core';
import type { PhaseMeasurement } from './phase.js';

/** One verified property of a phase; any failed check makes the benchmark exit non-zero. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const counters = (s: StockSnapshot): string =>
  `restocked ${s.restockedTotal}, available ${s.available}, held ${s.held}, sold ${s.sold}`;

/**
 * The invariants of a phase, from the gate's own snapshot after the callers stopped:
 * - `restocked = available + held + sold`, nothing negative;
 * - every accepted attempt is a hold and nothing else is (no phantom hold, nothing sold);
 * - in the sold-out phase exactly the restocked units were accepted: not one more (oversell), not one less.
 * `mirrors` are other views of the same SKU that must equal the gate's (the tiered gate's admit tier).
 */
export function checkPhase(
  measurement: PhaseMeasurement,
  mirrors: readonly { readonly name: string; readonly snapshot: StockSnapshot | null }[],
): Check[] {
  const s = measurement.snapshot;
  if (s === null) return [{ name: 'snapshot exists', ok: false, detail: `gate has no snapshot of ${measurement.sku}` }];
  const checks: Check[] = [
    {
      name: 'restocked = available + held + sold',
      ok: s.restockedTotal === s.available + s.held + s.sold && s.available >= 0 && s.held >= 0 && s.sold >= 0,
      detail: counters(s),
    },
    { name: 'restocked = units put in', ok: s.restockedTotal === measurement.stock, detail: `restocked ${s.restockedTotal}, put in ${measurement.stock}` },
    {
      name: 'held = accepted, none sold',
      ok: s.held === measurement.accepted && s.sold === 0,
      detail: `accepted ${measurement.accepted}, held ${s.held}, sold ${s.sold}`,
    },
  ];
  if (measurement.kind === 'sold-out') {
    checks.push({
      name: 'accepted = stock exactly',
      ok: measurement.accepted === measurement.stock && s.available === 0,
      detail:
        measurement.attempts < measurement.stock
          ? `only ${measurement.attempts} attempts for ${measurement.stock} units: lengthen --duration or lower --stock`
          : `accepted ${measurement.accepted} of ${measurement.stock}, available ${s.available}`,
    });
  }
  for (const mirror of mirrors) {
    const m = mirror.snapshot;
    const same =
      m !== null && m.available === s.available && m.held === s.held && m.sold === s.sold && m.restockedTotal === s.restockedTotal;
    checks.push({ name: `${mirror.name} = gate`, ok: same, detail: m === null ? 'no snapshot' : counters(m) });
  }
  return checks;
}

/** Remarks that do not fail the run but qualify a figure. */
export function phaseWarnings(measurement: PhaseMeasurement): string[] {
  const warnings: string[] = [];
  if (measurement.kind === 'accept' && measurement.snapshot !== null && measurement.snapshot.available === 0) {
    warnings.push('the accept phase ran out of stock: its accepted/s is a lower bound; raise the accept stock');
  }
  const failed = Object.values(measurement.errors).reduce((sum, n) => sum + n, 0);
  if (failed > 0) warnings.push(`${failed} attempts threw (${JSON.stringify(measurement.errors)})`);
  const other = Object.entries(measurement.rejected).filter(([reason]) => reason !== 'SOLD_OUT');
  if (other.length > 0) warnings.push(`unexpected rejections ${JSON.stringify(Object.fromEntries(other))}`);
  return warnings;
}
