import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  /** `function (file:line)`. */
  readonly name: string;
  /** Package or source folder the function lives in. */
  readonly area: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) samples. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly files: readonly string[];
  readonly busyMs: number;
  readonly functions: readonly HotFunction[];
  readonly areas: readonly { readonly area: string; readonly selfMs: number; readonly share: number }[];
  /**
   * Self time with native and Node-internal frames charged to the nearest package or source folder up the
   * stack: who caused the socket writes, the GC-heavy allocations, the crypto.
   */
  readonly callers: readonly { readonly area: string; readonly selfMs: number; readonly share: number }[];
}

const isLibraryOrSource = (url: string) => url.startsWith('file://') || url.startsWith('/');

/** Not the server's work: idle time, and the profiler's own inspector session. */
const IDLE = new Set(['(idle)', '(program)']);
const isProfilerItself = (frame: CallFrame) => frame.url === 'node:inspector';

/** Where a script lives: `pkg` for node_modules, the repository-relative folder for workspace sources. */
export function areaOf(url: string, root: string): string {
  if (url === '') return 'native / V8';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = path.slice(modules + '/node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? path);
  }
  const inRepo = relative(root, path);
  return inRepo.split('/').slice(0, inRepo.startsWith('packages/adapters') || inRepo.startsWith('packages/plugins') ? 3 : 2).join('/');
}

/**
 * Self time per function over every `.cpuprofile` in `dir` (one per server process), busiest first. Idle and
 * "(program)" samples are left out of the shares: the shares are of the time the server was doing work.
 */
export function summariseProfiles(dir: string, root: string, top = 25): ProfileSummary {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  const byFunction = new Map<string, { area: string; selfMs: number }>();
  const byCaller = new Map<string, number>();
  let busyMs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
    const callerCache = new Map<number, string>();
    const callerOf = (id: number): string => {
      const cached = callerCache.get(id);
      if (cached !== undefined) return cached;
      let area = 'native / node internals (no JS caller)';
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const frame = nodes.get(at)?.callFrame;
        if (frame && isLibraryOrSource(frame.url)) {
          area = areaOf(frame.url, root);
          break;
        }
      }
      callerCache.set(id, area);
      return area;
    };
    for (let index = 0; index < profile.samples.length; index += 1) {
      const node = nodes.get(profile.samples[index]!);
      if (!node) continue;
      const ms = (profile.timeDeltas[index] ?? 0) / 1000;
      const { functionName, url, lineNumber } = node.callFrame;
      if (IDLE.has(functionName) || isProfilerItself(node.callFrame)) continue;
      busyMs += ms;
      const where = url.startsWith('file://') || url.startsWith('/') ? `${relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : url || 'native';
      const name = `${functionName || '(anonymous)'} (${where})`;
      const entry = byFunction.get(name) ?? { area: areaOf(url, root), selfMs: 0 };
      entry.selfMs += ms;
      byFunction.set(name, entry);
      const caller = callerOf(node.id);
      byCaller.set(caller, (byCaller.get(caller) ?? 0) + ms);
    }
  }
  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  const functions = [...byFunction.entries()]
    .map(([name, entry]) => ({ name, area: entry.area, selfMs: entry.selfMs, share: share(entry.selfMs) }))
    .sort((a, b) => b.selfMs - a.selfMs);
  const areaTotals = new Map<string, number>();
  for (const fn of functions) areaTotals.set(fn.area, (areaTotals.get(fn.area) ?? 0) + fn.selfMs);
  const areas = [...areaTotals.entries()]
    .map(([area, selfMs]) => ({ area, selfMs, share: share(selfMs) }))
    .sort((a, b) => b.selfMs - a.selfMs);
  const callers = [...byCaller.entries()]
    .map(([area, selfMs]) => ({ area, selfMs, share: share(selfMs) }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { files, busyMs, functions: functions.slice(0, top), areas: areas.slice(0, top), callers: callers.slice(0, top) };
}
