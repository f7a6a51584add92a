import { randomUUID } from 'node:crypto';

/**
 * The dev server the suites talk to (`scripts/services/temporal.sh` prints it). Missing in CI is a failure;
 * locally the suites skip with a printed reason.
 */
export const temporalAddress: string | undefined = process.env.TEMPORAL_ADDRESS;

if (temporalAddress === undefined) {
  if (process.env.CI) throw new Error('TEMPORAL_ADDRESS is not set: start the dev server with scripts/services/temporal.sh');
  console.warn('skipping Temporal suites: TEMPORAL_ADDRESS is not set (run scripts/services/temporal.sh)');
}

/** True when the suites cannot reach a Temporal server: `describe.skipIf(noTemporal)`. */
export const noTemporal: boolean = temporalAddress === undefined;

/** The address, for code that only runs inside `describeWithTemporal`. */
export const requireTemporalAddress = (): string => {
  if (temporalAddress === undefined) throw new Error('TEMPORAL_ADDRESS is not set');
  return temporalAddress;
};

/** A task queue (and id prefix) of its own for each test file, so parallel files never steal each other's tasks. */
export const uniqueName = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;
