import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Installs Temporal's process-wide runtime with a logger at ERROR, so the suites' output shows errors rather
 * than every worker state change and every (expected) activity failure. The runtime can be installed once per
 * process, before the first worker.
 */
export const quietTemporalRuntime = (): void => {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    // The native core logs to the console on its own (e.g. the replay test's deliberate nondeterminism).
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), console: {} } },
  });
};
