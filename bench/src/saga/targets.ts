import type { SagaRunner } from '@limitedcart/core';
import type { OrderSagaActivities } from '@limitedcart/core/saga';
import { createMemorySagaRunner } from '@limitedcart/core/memory';
import pg from 'pg';
import { services } from '../lib/environment.js';

export const SAGA_RUNNERS = ['memory', 'pg-boss', 'temporal'] as const;
export type SagaRunnerName = (typeof SAGA_RUNNERS)[number];

/** A runner under test, executing the benchmark's activities, with what it takes to tear it down. */
export interface RunnerTarget {
  readonly name: SagaRunnerName;
  /** One line saying what exactly is measured. */
  readonly setup: string;
  readonly runner: SagaRunner;
  /** Rejects if a background part of the runner (its worker) dies; the benchmark races its waits against it. */
  readonly crashed?: Promise<never>;
  close(): Promise<void>;
}

/** The runner cannot be measured in this build (its adapter is missing or incomplete): skipped, not failed. */
export class RunnerUnavailable extends Error {
  override readonly name = 'RunnerUnavailable';
}

/**
 * Loads an adapter lazily: one runner's adapter failing to load (being rebuilt, a missing native module) must
 * not stop the others from being measured.
 */
async function load<T>(what: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    throw new RunnerUnavailable(`${what} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: services.databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function openPgBoss(activities: OrderSagaActivities, tag: string): Promise<RunnerTarget> {
  const { createPgBossSagaRunner } = await load('@limitedcart/adapter-pg-boss', () => import('@limitedcart/adapter-pg-boss'));
  const schema = `lc_bench_saga_${tag}`;
  // One process is both client (start, signal) and worker, with the runner's default (production) tuning.
  const runner = createPgBossSagaRunner({ connectionString: services.databaseUrl, schema, activities, worker: true });
  const close = async (): Promise<void> => {
    try {
      await runner.close();
    } finally {
      await dropSchemas([schema, `${schema}_boss`]);
    }
  };
  try {
    await runner.open();
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { name: 'pg-boss', setup: `client + worker in this process, default tuning, schema ${schema}`, runner, close };
}

async function openTemporal(activities: OrderSagaActivities, tag: string, localActivities: boolean): Promise<RunnerTarget> {
  const adapter = await load('@limitedcart/adapter-temporal', () => import('@limitedcart/adapter-temporal'));
  const { DefaultLogger, Runtime } = await load('@temporalio/worker', () => import('@temporalio/worker'));
  // Temporal's runtime is process-wide and installable once, before the first worker: keep its log to warnings.
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier worker of this process.
  }
  const address = services.temporalAddress;
  const taskQueue = `lc-bench-${tag}`;
  const worker = adapter.createTemporalSagaWorker({ address, taskQueue, activities });
  const running = worker.run();
  // `run` settles only when the worker stops: before `close`, that is a crash (no server, a bundling error).
  const crashed = running.then(
    () => Promise.reject(new Error('the Temporal worker stopped')),
    (error: unknown) => Promise.reject(error),
  );
  crashed.catch(() => undefined);
  const runner = adapter.createTemporalSagaRunner({ address, taskQueue, localActivities });
  return {
    name: 'temporal',
    setup: `dev server ${address}, client + worker in this process, default worker options${localActivities ? ', local activities' : ''}, task queue ${taskQueue}`,
    runner,
    crashed,
    async close() {
      await runner.close();
      await worker.shutdown();
      await running;
    },
  };
}

/** Opens the runner on fresh state (its own schema or task queue), executing `activities`. */
export async function openRunnerTarget(
  name: SagaRunnerName,
  activities: OrderSagaActivities,
  tag: string,
  options: { readonly temporalLocalActivities?: boolean } = {},
): Promise<RunnerTarget> {
  switch (name) {
    case 'memory': {
      const runner = createMemorySagaRunner({ activities });
      return { name, setup: 'in-process, no durability', runner, close: () => runner.close() };
    }
    case 'pg-boss':
      return openPgBoss(activities, tag);
    case 'temporal':
      return openTemporal(activities, tag, options.temporalLocalActivities ?? true);
  }
}
