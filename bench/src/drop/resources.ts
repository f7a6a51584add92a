import { cpuBetween, cpuByPid, machineCpu, pidsNamed, sampleProcesses } from './proc-stats.js';

/** Processes of the services the server talks to (Postgres incl. the embedded one, Redis, Kafka, Temporal). */
const SERVICE_NAMES = ['postgres', 'redis-server', 'java', 'temporal'];

export interface Resources {
  readonly wallSeconds: number;
  /** CPU seconds of the server processes (cluster primary + workers) during the window. */
  readonly serverCpuSeconds: number;
  /** Average cores the server processes kept busy. */
  readonly serverCores: number;
  readonly serverCpuMicrosPerAttempt: number;
  readonly serverPeakRssMb: number;
  /** CPU seconds of Postgres / Redis / Kafka / Temporal processes on this machine (other users included). */
  readonly servicesCpuSeconds: number;
  /** Average busy cores of the whole machine (load generator included). */
  readonly machineBusyCores: number;
}

/** Samples /proc at the start, on every tick (peak RSS) and at the end of a measured window. */
export function meterResources(serverPids: readonly number[]) {
  const started = performance.now();
  const server0 = sampleProcesses(serverPids);
  const services0 = cpuByPid(pidsNamed(SERVICE_NAMES));
  const machine0 = machineCpu();
  let peakRss = server0.rssBytes;
  return {
    tick(): void {
      peakRss = Math.max(peakRss, sampleProcesses(serverPids).rssBytes);
    },
    finish(attempts: number): Resources {
      const server1 = sampleProcesses(serverPids);
      peakRss = Math.max(peakRss, server1.rssBytes);
      const services1 = cpuByPid(pidsNamed(SERVICE_NAMES));
      const machine1 = machineCpu();
      const wallSeconds = (performance.now() - started) / 1000;
      const serverCpuSeconds = server1.cpuSeconds - server0.cpuSeconds;
      return {
        wallSeconds,
        serverCpuSeconds,
        serverCores: serverCpuSeconds / wallSeconds,
        serverCpuMicrosPerAttempt: attempts > 0 ? (serverCpuSeconds * 1e6) / attempts : 0,
        serverPeakRssMb: peakRss / 2 ** 20,
        servicesCpuSeconds: cpuBetween(services0, services1),
        machineBusyCores: (machine1.busySeconds - machine0.busySeconds) / wallSeconds,
      };
    },
  };
}
