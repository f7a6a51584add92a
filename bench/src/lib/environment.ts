import { randomBytes } from 'node:crypto';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** Where the services are; the defaults are the local services of the development machine. */
export const services = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres:limitedcart@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
} as const;

/** A short random tag that names this run's schemas, key prefixes and ids, so runs never share data. */
export const runTag = (): string => randomBytes(4).toString('hex');

/** What a figure was measured on: results are only comparable on the same kind of machine. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryMb: number;
  readonly freeMemoryMb: number;
  readonly loadAverage: readonly number[];
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
}

export const machineInfo = (): MachineInfo => {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    freeMemoryMb: Math.round(freemem() / 2 ** 20),
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
};

export const describeMachine = (info: MachineInfo): string =>
  `${info.cpus} CPUs (${info.cpuModel}), ${info.totalMemoryMb} MB RAM, Node ${info.node}, load ${info.loadAverage.join(' ')}`;

/** A connection URL with its password masked, fit for printing and for the results file. */
export const redactUrl = (value: string): string => {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
};

/**
 * A warning when other work already occupies the cores (1-minute load above the CPU count): every figure of
 * the run is then depressed, ratios less so.
 */
export const busyMachineNote = (info: MachineInfo): string | null => {
  const load = info.loadAverage[0] ?? 0;
  return load > info.cpus
    ? `NOTE: the machine is busy (1-minute load ${load} on ${info.cpus} CPUs): absolute figures are depressed; compare ratios.`
    : null;
};
