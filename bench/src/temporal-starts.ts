/**
 * `pnpm bench:temporal-starts`: how many workflow starts per second a Temporal server takes, with nothing of
 * LimitedCart in the way: N starts of an empty workflow type (no worker polls its task queue, so each start is only
 * the server's own work: the start event, the first workflow task, its transfer task), at each concurrency asked for.
 * It is the ceiling the saga starter cannot pass on that server. See bench/DROP.md.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { integers, parseOptions, positive, runMain } from './lib/args.js';
import { describeMachine, machineInfo, runTag } from './lib/environment.js';
import { writeResults } from './lib/results.js';

const USAGE = `usage: pnpm bench:temporal-starts [--address 127.0.0.1:7233] [--starts 1000] [--concurrency 1,20,100,500] [--server-pid PID]
  --address      the Temporal frontend (default TEMPORAL_ADDRESS or 127.0.0.1:7233)
  --starts       workflow starts per concurrency level
  --concurrency  starts in flight at once, one round per value
  --server-pid   the server's process id, to report its CPU time per start`;

/** User + system CPU seconds of a process so far, from /proc (Linux). */
const cpuSecondsOf = (pid: number): number | null => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
};

interface Round {
  readonly concurrency: number;
  readonly starts: number;
  readonly seconds: number;
  readonly startsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpuMsPerStart: number | null;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function round(client: Client, taskQueue: string, tag: string, starts: number, concurrency: number, serverPid: number | null): Promise<Round> {
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = serverPid === null ? null : cpuSecondsOf(serverPid);
  const began = performance.now();
  const lane = async () => {
    while (next < starts) {
      const i = next++;
      const t0 = performance.now();
      await client.workflow.start('emptyWorkflow', {
        workflowId: `${tag}-c${concurrency}-${i}`,
        taskQueue,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - began) / 1000;
  const cpuAfter = serverPid === null ? null : cpuSecondsOf(serverPid);
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    starts,
    seconds,
    startsPerSecond: starts / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    serverCpuMsPerStart: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / starts,
  };
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const options = parseOptions({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233', starts: '1000', concurrency: '1,20,100,500', 'server-pid': '0' });
  const starts = positive('starts', options.starts, true);
  const levels = integers('concurrency', options.concurrency);
  const pid = Number(options['server-pid']);
  const serverPid = pid > 0 ? pid : null;
  const tag = runTag();
  const taskQueue = `starts-${tag}`;
  const machine = machineInfo();
  console.log(describeMachine(machine));
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection });
  const rounds: Round[] = [];
  try {
    await round(client, taskQueue, `${tag}-warm`, 50, 10, null);
    for (const concurrency of levels) {
      const figures = await round(client, taskQueue, tag, starts, concurrency, serverPid);
      rounds.push(figures);
      console.log(
        `concurrency ${String(concurrency).padStart(4)}: ${figures.startsPerSecond.toFixed(0).padStart(6)} starts/s, ` +
          `p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms` +
          (figures.serverCpuMsPerStart === null ? '' : `, server CPU ${figures.serverCpuMsPerStart.toFixed(2)} ms per start`),
      );
    }
  } finally {
    await connection.close();
  }
  const path = await writeResults('temporal-starts', startedAt, { address: options.address, starts, machine, rounds });
  console.log(`wrote ${path}`);
  return 0;
}

runMain(USAGE, main);
