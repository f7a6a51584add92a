import type { Logger } from '../ports/small-ports.js';

export interface PeriodicTask {
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never overlapping itself (the next run is scheduled when the last one
 * ends). A failing run is logged and the schedule goes on: one bad sweep must not end all sweeps. The timer
 * does not keep the process alive.
 */
export function startPeriodic(name: string, intervalMs: number, task: () => Promise<unknown>, logger: Logger): PeriodicTask {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = task().then(
        () => schedule(),
        (error: unknown) => {
          logger.error(`${name} failed; retrying next period`, { error });
          schedule();
        },
      );
    }, intervalMs);
    timer.unref?.();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
