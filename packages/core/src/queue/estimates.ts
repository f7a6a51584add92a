/**
 * How long a waiting shopper may still wait, in seconds: until the opening, then one admission wave per `running`
 * admissions ahead (at least one), each taking about half an admission's time (shoppers who buy free their turn
 * early, those who do not let it run out). An estimate for the waiting room, never a promise; null without a position.
 */
export function estimateWaitSeconds(input: {
  readonly position: number | null;
  readonly running: number;
  readonly admitForSeconds: number;
  readonly opensAt: Date;
  readonly now: Date;
}): number | null {
  if (input.position === null) return null;
  const untilOpen = Math.max(0, Math.ceil((input.opensAt.getTime() - input.now.getTime()) / 1000));
  const waves = Math.ceil(input.position / Math.max(1, input.running));
  return untilOpen + (waves - 1) * Math.ceil(input.admitForSeconds / 2) + (input.position > 0 ? 1 : 0);
}

/**
 * How long a polling client should wait before asking again: it grows with the distance from the head of the line
 * (√position seconds, 2 to 60), so 20,000 shoppers polling cost about as much as a few hundred near the head — but
 * never more than a quarter of a turn, so a shopper who only polls learns of their admission with most of it left
 * (an admission can come sooner than any estimate: every shopper ahead may buy at once).
 */
export function nextPollSeconds(input: {
  readonly state: string;
  readonly position: number | null;
  readonly admitForSeconds: number;
  readonly opensAt: Date;
  readonly now: Date;
}): number {
  const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, Math.ceil(value)));
  const quarterTurn = Math.floor(input.admitForSeconds / 4);
  if (input.state === 'ADMITTED') return clamp(quarterTurn, 2, 10);
  if (input.state !== 'WAITING') return 60;
  if (input.position === null) return clamp((input.opensAt.getTime() - input.now.getTime()) / 1000, 2, 30);
  return clamp(Math.min(Math.sqrt(input.position), quarterTurn), 2, 60);
}
