import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  /** User + system CPU seconds since the process started. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** CPU and resident memory of one process, or null once it is gone. Linux only (/proc). */
export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rssPages * 4096 };
  } catch {
    return null;
  }
}

/** Sum over processes; gone ones count zero. */
export function sampleProcesses(pids: readonly number[]): ProcessSample {
  let cpuSeconds = 0;
  let rssBytes = 0;
  for (const pid of pids) {
    const sample = sampleProcess(pid);
    if (sample === null) continue;
    cpuSeconds += sample.cpuSeconds;
    rssBytes += sample.rssBytes;
  }
  return { cpuSeconds, rssBytes };
}

/** CPU seconds per pid (gone ones left out). */
export function cpuByPid(pids: readonly number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    const sample = sampleProcess(pid);
    if (sample !== null) cpu.set(pid, sample.cpuSeconds);
  }
  return cpu;
}

/**
 * CPU used between two readings by the processes alive at the second one (a process that started in between
 * counts whole). Processes that exited in between are lost: short-lived database backends are undercounted.
 */
export function cpuBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Pids of every process whose command name is one of `names` (Postgres, Redis, Kafka's java, Temporal). */
export function pidsNamed(names: readonly string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (names.some((name) => comm.startsWith(name))) pids.push(Number(entry));
    } catch {
      // Exited while listing.
    }
  }
  return pids;
}

/** Busy and total CPU seconds of the whole machine since boot (first line of /proc/stat). */
export function machineCpu(): { busySeconds: number; totalSeconds: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busySeconds: (total - idle) / TICKS_PER_SECOND, totalSeconds: total / TICKS_PER_SECOND };
}
